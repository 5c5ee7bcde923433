import { Inject, Injectable } from '@nestjs/common';
import { AG_UI_MODULE_OPTIONS } from '../ag-ui.constants.js';
import type { AgentDefinition, AgUiModuleOptions } from '../ag-ui.options.js';
import { DEFAULT_MODEL } from '../ag-ui.constants.js';
import { AgentNotFoundError } from '../errors/ag-ui.error.js';

export interface ResolvedAgent extends Required<Pick<AgentDefinition, 'id' | 'model' | 'maxSteps'>> {
  description?: string;
  instructions?: string;
  temperature?: number;
  forwardedProps?: boolean;
}

const AGENT_ID = /^[A-Za-z0-9_-]+$/;
const DEFAULT_MAX_STEPS = 8;

/** The configured agents with their defaults applied, checked once at bootstrap. */
@Injectable()
export class AgentCatalog {
  private readonly agents = new Map<string, ResolvedAgent>();

  constructor(@Inject(AG_UI_MODULE_OPTIONS) options: AgUiModuleOptions) {
    if (!options.agents?.length) throw new Error('AgUiModule: configure at least one agent in `agents`');
    const defaultModel = options.defaultModel ?? process.env.OPENAI_MODEL ?? DEFAULT_MODEL;
    for (const agent of options.agents) {
      if (!AGENT_ID.test(agent.id)) throw new Error(`AgUiModule: agent id "${agent.id}" must match ${AGENT_ID}`);
      if (this.agents.has(agent.id)) throw new Error(`AgUiModule: two agents are named "${agent.id}"`);
      if (agent.maxSteps !== undefined && !(Number.isInteger(agent.maxSteps) && agent.maxSteps > 0)) {
        throw new Error(`AgUiModule: agent "${agent.id}" maxSteps must be a positive integer`);
      }
      this.agents.set(agent.id, { ...agent, model: agent.model ?? defaultModel, maxSteps: agent.maxSteps ?? DEFAULT_MAX_STEPS });
    }
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
