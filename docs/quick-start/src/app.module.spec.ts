// app.module.spec.ts: the quick start's own test, with the JWT guard and the model stubbed the Nest way
import type { ExecutionContext, INestApplication } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { Test } from '@nestjs/testing';
import { CHAT_MODEL } from 'nestjs-ag-ui';
import { ScriptedChatModel, reply, runAgentOverHttp } from 'nestjs-ag-ui/testing';
import { AppModule } from './app.module.js';

describe('the support agent', () => {
  let app: INestApplication;
  let model: ScriptedChatModel;

  beforeEach(async () => {
    process.env.JWT_SECRET ??= 'test-only-secret'; // JwtStrategy is still built; the guard that uses it is not
    model = new ScriptedChatModel([reply.toolCall('listMyOrders', {}), reply.text('You have two orders.')]);
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideGuard(AuthGuard('jwt'))
      .useValue({
        canActivate: (context: ExecutionContext) => {
          context.switchToHttp().getRequest().user = { id: 'alice' }; // as JwtStrategy.validate() would
          return true;
        },
      })
      .overrideProvider(CHAT_MODEL)
      .useValue(model)
      .compile();
    app = moduleRef.createNestApplication();
  });

  afterEach(() => app?.close());

  it("lists the signed-in customer's orders, and only hers", async () => {
    const run = await runAgentOverHttp(app, 'support', { message: 'show me my orders' });

    const orders = run.toolCall('listMyOrders').resultValue as Array<{ id: string }>;
    expect(orders.map((order) => order.id)).toEqual(['ORD-1001', 'ORD-1002']);
    expect(run.text).toBe('You have two orders.');
    model.expectDone();
  });
});
