import { INestApplication } from '@nestjs/common';
import { PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';
import { ACCESS_KEY } from '../common/access';

// Deny by default, enforced at boot: a route that says neither @Public nor @Roles stops the start.
export function routesWithoutAccess(app: INestApplication): string[] {
  const missing: string[] = [];
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
          name === 'constructor' ||
          typeof handler !== 'function' ||
          Reflect.getMetadata(PATH_METADATA, handler) === undefined
        ) {
          continue;
        }
        if (
          Reflect.getMetadata(ACCESS_KEY, handler) === undefined &&
          Reflect.getMetadata(ACCESS_KEY, controller) === undefined
        ) {
          missing.push(`${controller.name}.${name}`);
        }
      }
    }
  }
  return missing;
}
