import 'reflect-metadata';
import type { PipeTransform, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import type { ToolParamtype } from '../ag-ui.constants.js';

export type ToolPipe = Type<PipeTransform> | PipeTransform;

/**
 * Records a tool parameter the way Nest records route parameters (`type:index` → data and
 * pipes), so `ExternalContextCreator` resolves ours and the app's custom decorators together.
 */
export function assignToolParam(paramtype: ToolParamtype, data: string | undefined, pipes: ToolPipe[]): ParameterDecorator {
  return (target, key, index) => {
    if (key === undefined) throw new Error('Tool parameter decorators belong on methods, not constructors');
    const existing = (Reflect.getMetadata(ROUTE_ARGS_METADATA, target.constructor, key) ?? {}) as Record<string, unknown>;
    Reflect.defineMetadata(ROUTE_ARGS_METADATA, { ...existing, [`${paramtype}:${index}`]: { index, data, pipes } }, target.constructor, key);
  };
}
