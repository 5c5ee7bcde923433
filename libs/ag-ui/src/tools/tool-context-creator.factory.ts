import { ExternalContextCreator, type NestContainer } from '@nestjs/core';
import { ExternalExceptionFilterContext } from '@nestjs/core/exceptions/external-exception-filter-context.js';
import { GuardsConsumer, GuardsContextCreator } from '@nestjs/core/guards/index.js';
import { InterceptorsConsumer, InterceptorsContextCreator } from '@nestjs/core/interceptors/index.js';
import { PipesConsumer, PipesContextCreator } from '@nestjs/core/pipes/index.js';

/**
 * The pipeline tool calls run through. Like a microservice connected to an HTTP app
 * (`inheritAppConfig: false`), tool calls get the guards, interceptors, pipes and filters
 * declared on the tool's class and method, not the app's global ones: those already ran on
 * the HTTP request that started the run, and HTTP-shaped globals (a throttler counting
 * requests, an interceptor setting response headers) would misfire once per tool call. Nest offers no
 * public way to build a creator without the globals, hence the internal context creators,
 * each of which leaves globals out when given no application config.
 */
export function createToolContextCreator(appCreator: ExternalContextCreator, inheritAppConfig: boolean): ExternalContextCreator {
  if (inheritAppConfig) return appCreator;
  const container = (appCreator as unknown as { container: NestContainer }).container;
  const creator = new ExternalContextCreator(
    new GuardsContextCreator(container),
    new GuardsConsumer(),
    new InterceptorsContextCreator(container),
    new InterceptorsConsumer(),
    container.getModules(),
    new PipesContextCreator(container),
    new PipesConsumer(),
    new ExternalExceptionFilterContext(container),
  );
  (creator as unknown as { container: NestContainer }).container = container;
  return creator;
}
