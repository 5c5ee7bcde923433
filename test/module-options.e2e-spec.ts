import { Injectable, type CanActivate } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AgUiModule, OfflineChatModel, type AgUiModuleOptions } from 'nestjs-ag-ui';

@Injectable()
class DenyAllGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

const agents: AgUiModuleOptions['agents'] = [{ id: 'assistant', instructions: 'Test agent.' }];

/** What a factory returns is options; what shapes the controller must sit beside it. */
describe('forRootAsync: controller extras returned by useFactory', () => {
  it.each([
    ['guards', { guards: [DenyAllGuard] }, "'guards'"],
    ['path', { path: 'ai' }, "'path'"],
    ['decorators and infoEndpoint', { decorators: [], infoEndpoint: 'off' }, "'decorators', 'infoEndpoint'"],
  ])('stops the bootstrap naming %s and where it belongs', async (_name, extras, named) => {
    const compiling = Test.createTestingModule({
      imports: [AgUiModule.forRootAsync({ useFactory: () => ({ agents, chatModel: new OfflineChatModel(), ...extras }) as AgUiModuleOptions })],
    }).compile();
    await expect(compiling).rejects.toThrow(`the factory returned ${named}`);
    await expect(compiling).rejects.toThrow(/beside useFactory instead: AgUiModule\.forRootAsync\(\{ [a-zA-Z, ]+, imports, inject, useFactory \}\)/);
  });

  it('boots when the extras sit beside useFactory', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AgUiModule.forRootAsync({ guards: [DenyAllGuard], path: 'ai', useFactory: () => ({ agents, chatModel: new OfflineChatModel() }) })],
      providers: [DenyAllGuard],
    }).compile();
    await moduleRef.close();
  });

  it('boots with forRoot, where the extras and the options share one object', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [AgUiModule.forRoot({ agents, chatModel: new OfflineChatModel(), guards: [DenyAllGuard], path: 'ai' })],
      providers: [DenyAllGuard],
    }).compile();
    await moduleRef.close();
  });
});
