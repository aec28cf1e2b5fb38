import { INestApplication } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';

export interface RouteHandler {
  // ControllerName.method, for messages.
  name: string;
  controller: object;
  handler: object;
}

// Every route handler of every controller, for the checks run at boot.
export function routeHandlers(app: INestApplication): RouteHandler[] {
  const found: RouteHandler[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) {
        continue;
      }
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (
          name !== 'constructor' &&
          typeof handler === 'function' &&
          Reflect.getMetadata(PATH_METADATA, handler) !== undefined
        ) {
          found.push({ name: `${controller.name}.${name}`, controller, handler });
        }
      }
    }
  }
  return found;
}
