import { OpenAI } from 'openai';
import type { AgUiModuleOptions } from '../ag-ui.options.js';
import type { ChatModel } from './chat-model.interface.js';
import { OpenAIChatModel } from './openai.chat-model.js';

/**
 * The model from the options: a ChatModel as given, else an OpenAI client. The SDK's own
 * retries are off because the runner retries, and only while nothing has been streamed;
 * its console logging is off unless asked for, because it prints raw provider chunks and
 * the runner already logs each failure with its code.
 */
export function createChatModel(options: AgUiModuleOptions): ChatModel {
  if (options.chatModel) return options.chatModel;
  if (options.openai instanceof OpenAI) return new OpenAIChatModel(options.openai.withOptions({ maxRetries: 0 }));
  const clientOptions = options.openai ?? {};
  const apiKey = clientOptions.apiKey ?? process.env.OPENAI_API_KEY;
  if (!apiKey) {
    throw new Error(
      'AgUiModule: no model configured. Set OPENAI_API_KEY (and OPENAI_BASE_URL for another OpenAI-compatible server), pass `openai`, or pass `chatModel`.',
    );
  }
  return new OpenAIChatModel(new OpenAI({ logLevel: 'off', ...clientOptions, apiKey, baseURL: clientOptions.baseURL ?? process.env.OPENAI_BASE_URL, maxRetries: 0 }));
}
