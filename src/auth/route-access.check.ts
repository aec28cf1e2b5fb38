import { INestApplication } from '@nestjs/common';
import { ACCESS_KEY } from '../common/access';
import { routeHandlers } from '../common/route-handlers';

// Deny by default, enforced at boot: a route that says neither @Public nor @Roles stops the start.
export function routesWithoutAccess(app: INestApplication): string[] {
  return routeHandlers(app)
    .filter(
      ({ controller, handler }) =>
        Reflect.getMetadata(ACCESS_KEY, handler) === undefined &&
        Reflect.getMetadata(ACCESS_KEY, controller) === undefined,
    )
    .map(({ name }) => name);
}
