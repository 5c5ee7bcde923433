import { Module } from '@nestjs/common';
import { SupportRepository } from './support.repository.js';
import { SupportTools } from './support.tools.js';

@Module({ providers: [SupportRepository, SupportTools] })
export class SupportModule {}
