import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { AG_UI_MODULE_OPTIONS } from '../ag-ui.constants.js';
import type { AgentDefinition, AgUiModuleOptions, RunEventOptions } from '../ag-ui.options.js';
import { DEFAULT_MODEL } from '../ag-ui.constants.js';
import { AgentNotFoundError, InvalidRunInputError } from '../errors/ag-ui.error.js';
import { ToolSchemaResolver } from '../tools/schema/tool-schema.resolver.js';
import type { ToolSchema } from '../tools/schema/tool-schema.interface.js';
import { resolveRunBounds, type RunBounds } from './run-bounds.js';

export interface ResolvedAgent extends Required<Pick<AgentDefinition, 'id' | 'model' | 'maxSteps'>> {
  description?: string;
  instructions?: string;
  temperature?: number;
  forwardedProps?: boolean;
  events: Required<RunEventOptions>;
  /** The state schema, resolved at bootstrap. */
  stateSchema?: ToolSchema;
  /** The run's bounds: the agent's, else the module's, else the defaults. */
  bounds: RunBounds;
}

const AGENT_ID = /^[A-Za-z0-9_-]+$/;
const DEFAULT_MAX_STEPS = 8;

/** The configured agents with their defaults applied, checked once at bootstrap. */
@Injectable()
export class AgentCatalog implements OnModuleInit {
  private readonly agents = new Map<string, ResolvedAgent>();

  constructor(
    @Inject(AG_UI_MODULE_OPTIONS) private readonly options: AgUiModuleOptions,
    private readonly schemas: ToolSchemaResolver,
  ) {
    if (!options.agents?.length) throw new Error('AgUiModule: configure at least one agent in `agents`');
    const defaultModel = options.defaultModel ?? process.env.OPENAI_MODEL ?? DEFAULT_MODEL;
    for (const agent of options.agents) {
      if (!AGENT_ID.test(agent.id)) throw new Error(`AgUiModule: agent id "${agent.id}" must match ${AGENT_ID}`);
      if (this.agents.has(agent.id)) throw new Error(`AgUiModule: two agents are named "${agent.id}"`);
      if (agent.maxSteps !== undefined && !(Number.isInteger(agent.maxSteps) && agent.maxSteps > 0)) {
        throw new Error(`AgUiModule: agent "${agent.id}" maxSteps must be a positive integer`);
      }
      const { stateSchema: _declared, ...definition } = agent;
      const events = { steps: false, messagesSnapshot: false, ...options.events, ...agent.events };
      this.agents.set(agent.id, { ...definition, model: agent.model ?? defaultModel, maxSteps: agent.maxSteps ?? DEFAULT_MAX_STEPS, events, bounds: resolveRunBounds(agent, options) });
    }
  }

  async onModuleInit(): Promise<void> {
    for (const definition of this.options.agents) {
      if (definition.stateSchema === undefined) continue;
      this.agents.get(definition.id)!.stateSchema = await this.schemas.fromSchema(definition.stateSchema, `agent "${definition.id}"`, 'stateSchema');
    }
  }

  /** Refuses a run whose `state` does not fit the agent's state schema, before it starts. */
  async checkState(agent: ResolvedAgent, state: unknown): Promise<void> {
    if (!agent.stateSchema) return;
    const checked = await agent.stateSchema.check(state ?? {});
    if (!checked.ok) throw new InvalidRunInputError(`state does not match the state schema of agent "${agent.id}": ${checked.problems.join('; ')}`);
  }

  get(id: string): ResolvedAgent {
    const agent = this.agents.get(id);
    if (!agent) throw new AgentNotFoundError(id);
    return agent;
  }

  /** `POST /{path}` without an id: only unambiguous with a single agent. */
  getDefault(): ResolvedAgent {
    if (this.agents.size === 1) return this.agents.values().next().value!;
    throw new AgentNotFoundError('(none given)', `Several agents are configured: name one, POST …/{agentId} (${[...this.agents.keys()].join(', ')})`);
  }

  list(): ResolvedAgent[] {
    return [...this.agents.values()];
  }
}
