import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { AGENT_TOOL_METADATA } from '../ag-ui.constants.js';
import type { AgentToolOptions } from './agent-tool.decorator.js';
import { ToolRegistry } from './tool.registry.js';

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const EMPTY_OBJECT_SCHEMA = { type: 'object', properties: {}, additionalProperties: false };

/**
 * Finds `@AgentTool()` methods on every provider of the app at bootstrap, like @nestjs/cqrs
 * finds its handlers, and registers them. Mistakes fail the bootstrap with the method named.
 */
@Injectable()
export class ToolExplorer implements OnModuleInit {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly registry: ToolRegistry,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = (prototype as Record<string, unknown>)[methodName] as (...args: unknown[]) => unknown;
        const options = this.reflector.get<AgentToolOptions | undefined>(AGENT_TOOL_METADATA, method);
        if (options) this.register(instance as Record<string, unknown>, methodName, options);
      }
    }
  }

  private register(instance: Record<string, unknown>, methodName: string, options: AgentToolOptions): void {
    const source = `${instance.constructor.name}.${methodName}`;
    const name = options.name ?? methodName;
    if (!options.description?.trim()) throw new Error(`@AgentTool() on ${source} needs a description: the model chooses tools by it`);
    if (!TOOL_NAME.test(name)) throw new Error(`@AgentTool() on ${source}: name "${name}" must match ${TOOL_NAME}`);
    const method = instance[methodName] as (args: unknown, context: unknown) => unknown;
    this.registry.register({
      name,
      description: options.description,
      parameters: options.parameters ?? EMPTY_OBJECT_SCHEMA,
      agents: options.agents,
      timeoutMs: options.timeoutMs,
      source,
      invoke: async (args, context) => method.call(instance, args, context),
    });
  }
}
