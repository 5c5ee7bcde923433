import { Module } from '@nestjs/common';
import { AgUiModule } from 'nestjs-ag-ui';
import { agentOptions } from './agent.config.js';
import { SupportModule } from './support/support.module.js';

@Module({
  imports: [SupportModule, AgUiModule.forRootAsync({ useFactory: () => agentOptions() })],
})
export class AppModule {}
