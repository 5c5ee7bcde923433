import { Module } from '@nestjs/common';
import { SupportRepository } from './support.repository.js';
import { OrderActionsTools } from './order-actions.tools.js';
import { SupportTools } from './support.tools.js';
import { WorkspaceTools } from './workspace.tools.js';

@Module({ providers: [SupportRepository, SupportTools, OrderActionsTools, WorkspaceTools] })
export class SupportModule {}
