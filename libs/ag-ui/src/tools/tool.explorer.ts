import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { GUARDS_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum.js';
import { ContextIdFactory, DiscoveryService, type ContextId, ExternalContextCreator, MetadataScanner, ModuleRef, Reflector } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { AG_UI_MODULE_OPTIONS, AG_UI_TOOL_CONTEXT, AGENT_TOOL_METADATA, TOOL_PARAMS_METADATA, ToolParamtype } from '../ag-ui.constants.js';
import type { AgUiModuleOptions } from '../ag-ui.options.js';
import type { AgentRunContext } from '../agent/agent-run-context.js';
import type { AgentToolOptions } from './agent-tool.decorator.js';
import { toolApprovalOf } from '../interrupts/tool-approval.js';
import { toLooseJsonSchema, toStrictJsonSchema } from './schema/strict-json-schema.js';
import { ToolSchemaResolver } from './schema/tool-schema.resolver.js';
import { createToolContextCreator } from './tool-context-creator.factory.js';
import type { ToolHandlerArgs, ToolInvocation } from './tool-invocation.js';
import type { ToolParamDeclaration } from './tool-param.decorator.js';
import { ToolRegistry, type RegisteredTool } from './tool.registry.js';

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

type Method = (...args: unknown[]) => unknown;
type Handler = (...args: ToolHandlerArgs) => Promise<unknown>;
/** Nest's route-args metadata of one method: `type:index` → where the parameter sits. */
type RouteArgs = Record<string, { index: number }>;

/** Where `@ToolArgs()` sits among a method's parameters, if it is there. */
function argsIndexIn(routeArgs: RouteArgs): number | undefined {
  return Object.entries(routeArgs).find(([key]) => Number(key.split(':')[0]) === ToolParamtype.ARGS)?.[1].index;
}

/**
 * Makes `standIn` look like `method` to guards, interceptors and filters that read the handler
 * (`reflector.get(key, context.getHandler())`, its name): it gets the method's metadata and name.
 */
function standInFor<T extends Method>(method: Method, standIn: T): T {
  for (const key of Reflect.getMetadataKeys(method)) Reflect.defineMetadata(key, Reflect.getMetadata(key, method), standIn);
  Object.defineProperty(standIn, 'name', { value: method.name });
  return standIn;
}

/** The method a tool runs, and the stand-in that calls it when it has no parameter decorators. */
interface ToolTarget {
  readonly methodName: string;
  readonly callback?: Method;
}

/** Resolves our parameter kinds for `ExternalContextCreator`; the app's own decorators resolve themselves. */
const toolParamsFactory = {
  exchangeKeyForValue(type: number, data: unknown, [request, , invocation]: ToolHandlerArgs): unknown {
    switch (type) {
      case ToolParamtype.ARGS:
        return invocation.args;
      case ToolParamtype.PARAM:
        return (invocation.args as Record<string, unknown>)[data as string];
      case ToolParamtype.CONTEXT:
        return data ? invocation.context[data as keyof AgentRunContext] : invocation.context;
      case RouteParamtypes.REQUEST:
        return request;
      default:
        return undefined;
    }
  },
};

/**
 * Finds `@AgentTool()` methods on every provider of the app at bootstrap, like @nestjs/cqrs
 * finds its handlers, and registers each with its schema and a handler that runs through
 * Nest's pipeline (guards, interceptors, pipes, filters, parameter decorators) under the
 * context type `ag-ui-tool`. Mistakes fail the bootstrap with the method named.
 */
@Injectable()
export class ToolExplorer implements OnModuleInit {
  private readonly logger = new Logger('AgUiTools');
  private readonly strictTools: boolean;
  private readonly inheritAppConfig: boolean;
  private readonly contextCreator: ExternalContextCreator;
  /** One DI context per request, so the calls of one run share their request-scoped instances. */
  private readonly contextIds = new WeakMap<object, ContextId>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly registry: ToolRegistry,
    private readonly schemas: ToolSchemaResolver,
    appContextCreator: ExternalContextCreator,
    private readonly moduleRef: ModuleRef,
    @Inject(AG_UI_MODULE_OPTIONS) options: AgUiModuleOptions,
  ) {
    this.strictTools = options.strictTools ?? true;
    this.inheritAppConfig = options.inheritAppConfig ?? false;
    this.contextCreator = createToolContextCreator(appContextCreator, this.inheritAppConfig);
  }

  async onModuleInit(): Promise<void> {
    for (const wrapper of this.discovery.getProviders()) {
      const prototype = this.prototypeOf(wrapper);
      if (!prototype) continue;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = (prototype as Record<string, Method>)[methodName]!;
        const options = this.reflector.get<AgentToolOptions | undefined>(AGENT_TOOL_METADATA, method);
        if (options) await this.register(wrapper, prototype, methodName, options);
      }
    }
  }

  /** Class providers only; a request-scoped one has no instance yet, so its class is read. */
  private prototypeOf(wrapper: InstanceWrapper): object | undefined {
    if (wrapper.isDependencyTreeStatic()) {
      const instance: unknown = wrapper.instance;
      return instance && typeof instance === 'object' ? (Object.getPrototypeOf(instance) as object) : undefined;
    }
    return !wrapper.inject && typeof wrapper.metatype === 'function' ? (wrapper.metatype.prototype as object) : undefined;
  }

  private async register(wrapper: InstanceWrapper, prototype: object, methodName: string, options: AgentToolOptions): Promise<void> {
    const source = `${prototype.constructor.name}.${methodName}`;
    const name = options.name ?? methodName;
    if (!options.description?.trim()) throw new Error(`@AgentTool() on ${source} needs a description: the model chooses tools by it`);
    if (!TOOL_NAME.test(name)) throw new Error(`@AgentTool() on ${source}: name "${name}" must match ${TOOL_NAME}`);

    const routeArgs = this.routeArgsOf(prototype, methodName);
    const schema = await this.schemas.resolve({
      source,
      options,
      argsIndex: routeArgs && argsIndexIn(routeArgs),
      params: (Reflect.getMetadata(TOOL_PARAMS_METADATA, prototype.constructor, methodName) ?? []) as ToolParamDeclaration[],
      paramTypes: (Reflect.getMetadata('design:paramtypes', prototype, methodName) ?? []) as unknown[],
    });
    const parameters = toLooseJsonSchema(schema.jsonSchema);
    const strictParameters = this.strictFormOf(schema.jsonSchema, source, options.strict ?? this.strictTools);
    const method = (prototype as Record<string, Method>)[methodName]!;
    const target: ToolTarget = { methodName, callback: routeArgs ? undefined : this.plainCallback(method) };
    const call = wrapper.isDependencyTreeStatic() ? this.staticHandler(wrapper, target) : this.scopedHandler(wrapper, target);

    this.registry.register({
      name,
      description: options.description,
      parameters,
      ...(strictParameters ? { strictParameters } : {}),
      schema,
      agents: options.agents,
      timeoutMs: options.timeoutMs,
      approval: toolApprovalOf(name, options.approval, source),
      ...(options.predictState ? { predictState: this.predictStateOf(options.predictState, parameters, source) } : {}),
      source,
      invoke: (args, context, toolCallId) => call(context.request, undefined, { tool: name, toolCallId, args, context, phase: 'call' }),
      offeredTo: this.offerCheck(wrapper, prototype, methodName, name),
    });
  }

  /**
   * A tool behind guards is offered only to callers they let through: once per run, its guards
   * run with `phase: 'offer'` and no arguments, on a stand-in for the method that carries the
   * method's metadata (so `@Roles()` and the like read the same). At call time they run again.
   */
  private offerCheck(wrapper: InstanceWrapper, prototype: object, methodName: string, name: string): RegisteredTool['offeredTo'] {
    const method = (prototype as Record<string, Method>)[methodName]!;
    const guarded = [method, prototype.constructor].some((target) => ((Reflect.getMetadata(GUARDS_METADATA, target) as unknown[] | undefined) ?? []).length > 0);
    if (!guarded && !this.inheritAppConfig) return undefined;
    const standIn = standInFor(method, () => true);
    const instance = wrapper.isDependencyTreeStatic() ? (wrapper.instance as object) : (Object.create(prototype) as object);
    const onlyGuards = { guards: true, interceptors: false, filters: false };
    const check = this.contextCreator.create(instance, standIn, methodName, undefined, undefined, undefined, undefined, onlyGuards, AG_UI_TOOL_CONTEXT) as Handler;
    return async (context) => {
      try {
        return (await check(context.request, undefined, { tool: name, toolCallId: '', args: undefined, context, phase: 'offer' })) === true;
      } catch {
        return false;
      }
    };
  }

  /** Each predicted argument must be one the schema declares, or the UI would wait for a value that never streams. */
  private predictStateOf(predictState: Record<string, string>, parameters: Record<string, unknown>, source: string): Record<string, string> {
    const properties = (parameters.properties ?? {}) as Record<string, unknown>;
    for (const [stateKey, argument] of Object.entries(predictState)) {
      if (!Object.hasOwn(properties, argument)) {
        throw new Error(`@AgentTool() on ${source}: predictState maps "${stateKey}" to argument "${argument}", which the arguments' schema does not declare`);
      }
    }
    return { ...predictState };
  }

  private strictFormOf(jsonSchema: Record<string, unknown>, source: string, wanted: boolean) {
    if (!wanted) return undefined;
    const strict = toStrictJsonSchema(jsonSchema);
    if (strict.strict) return strict.schema;
    this.logger.warn(`Tool ${source} is offered without strict mode: ${strict.reason}`);
    return undefined;
  }

  /**
   * The parameter decorators of a tool method (ours and the app's), as `ExternalContextCreator`
   * reads them; undefined when it has none, and the method is called as `(args, context)`.
   */
  private routeArgsOf(prototype: object, methodName: string): RouteArgs | undefined {
    const stored = Reflect.getMetadata(ROUTE_ARGS_METADATA, prototype.constructor, methodName) as RouteArgs | undefined;
    return stored && Object.keys(stored).length ? stored : undefined;
  }

  /**
   * What runs a method without parameter decorators. Nest finds parameters only in metadata on
   * the class, and writing some there would change the app's class: the next bootstrap in the
   * same process (a testing module per test) would read it as a `@ToolArgs()` without a DTO.
   * So Nest calls this stand-in with the handler arguments instead, and it calls the method as
   * `(args, context)`, looking like the method to whatever reads the handler.
   */
  private plainCallback(method: Method): Method {
    return standInFor(method, function (this: object, ...[, , invocation]: ToolHandlerArgs) {
      return method.call(this, invocation.args, invocation.context);
    } as Method);
  }

  private create(instance: object, { methodName, callback }: ToolTarget, contextId?: ContextId, inquirerId?: string): Handler {
    if (callback) return this.contextCreator.create(instance, callback, methodName, undefined, undefined, contextId, inquirerId, undefined, AG_UI_TOOL_CONTEXT) as Handler;
    const method = (instance as Record<string, Method>)[methodName]!;
    return this.contextCreator.create(instance, method, methodName, ROUTE_ARGS_METADATA, toolParamsFactory, contextId, inquirerId, undefined, AG_UI_TOOL_CONTEXT) as Handler;
  }

  private staticHandler(wrapper: InstanceWrapper, target: ToolTarget): Handler {
    return this.create(wrapper.instance as object, target);
  }

  /** A request-scoped tool provider: resolved once per request (so per run), then called through the same pipeline. */
  private scopedHandler(wrapper: InstanceWrapper, target: ToolTarget): Handler {
    return async (request, response, invocation: ToolInvocation) => {
      let contextId = this.contextIds.get(request);
      if (!contextId) {
        contextId = ContextIdFactory.getByRequest(request);
        this.contextIds.set(request, contextId);
        this.moduleRef.registerRequestByContextId(request, contextId);
      }
      const instance = await this.moduleRef.resolve<object>(wrapper.token, contextId, { strict: false });
      return this.create(instance, target, contextId, wrapper.id)(request, response, invocation);
    };
  }
}
