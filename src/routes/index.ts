import type { Express } from 'express';
import type { Container } from '../container';
import { createAdminController } from '../controllers/admin.controller';
import { createAuthController } from '../controllers/auth.controller';
import { createHealthController } from '../controllers/health.controller';
import { createZoomController } from '../controllers/zoom-connection.controller';
import { createZoomAdminController } from '../controllers/zoom-admin.controller';
import { createBookingController } from '../controllers/booking.controller';
import { createSpecialistController } from '../controllers/specialist.controller';
import { registerBookingRoutes } from './booking.routes';
import { createManageController } from '../controllers/manage.controller';
import { registerManageRoutes } from './manage.routes';
import { createGuestController } from '../controllers/guest.controller';
import { registerGuestRoutes } from './guest.routes';
import { registerSpecialistRoutes } from './specialist.routes';
import { createOpenApiRegistry } from '../openapi/registry';
import { registerAdminRoutes } from './admin.routes';
import { createAdminMeetingsController } from '../controllers/admin-meetings.controller';
import { registerAdminMeetingsRoutes } from './admin-meetings.routes';
import { createAdminS2SHostsController } from '../controllers/admin-s2s-hosts.controller';
import { registerAdminS2SHostsRoutes } from './admin-s2s-hosts.routes';
import { registerAuthRoutes } from './auth.routes';
import { createRouteBuilder } from './define-route';
import { registerHealthRoutes } from './health.routes';
import { registerZoomRoutes } from './zoom-connection.routes';
import { registerZoomAdminRoutes } from './zoom-admin.routes';
import { createCalendarController } from '../controllers/calendar.controller';
import { registerCalendarRoutes } from './calendar.routes';

/** Every route of the service, each documented in the returned OpenAPI registry. */
export function mountRoutes(app: Express, c: Container) {
  const registry = createOpenApiRegistry();
  const cookies = {
    secure: c.config.isProduction || c.config.http.publicBaseUrl.startsWith('https://'),
    maxAgeSeconds: c.config.auth.jwtTtlSeconds,
  };
  const { router, route } = createRouteBuilder(registry, c.services.auth, cookies);
  registerHealthRoutes(route, createHealthController(c.services.health));
  registerAuthRoutes(
    route,
    createAuthController({
      auth: c.services.auth,
      users: c.services.users,
      account: c.services.account,
      passwords: c.services.passwords,
      deletion: c.services.accountDeletion,
      exports: c.services.accountExport,
      cookies,
    }),
  );
  registerZoomRoutes(
    route,
    createZoomController({
      connection: c.services.zoom.connection,
      webhook: c.services.zoom.webhook,
      frontendUrl: c.config.frontendUrl,
      cookies,
    }),
  );
  registerZoomAdminRoutes(
    route,
    createZoomAdminController({ account: c.services.zoom.account, s2s: c.services.zoom.s2s }),
  );
  registerAdminRoutes(
    route,
    createAdminController({
      connections: c.services.grantHealth.connections,
      refreshLog: c.services.grantHealth.refreshLog,
    }),
  );
  registerAdminMeetingsRoutes(route, createAdminMeetingsController({ meetings: c.services.meetingAdmin }));
  registerAdminS2SHostsRoutes(route, createAdminS2SHostsController({ hosts: c.services.zoom.s2sHosts }));
  registerSpecialistRoutes(route, createSpecialistController(c.services.specialists));
  registerBookingRoutes(
    route,
    createBookingController({
      bookings: c.services.bookings,
      queries: c.services.bookingQueries,
      start: c.services.bookingStart,
      auth: c.services.auth,
      links: c.services.bookingLinks,
      sessionCookies: cookies,
    }),
  );
  registerManageRoutes(route, createManageController(c.services.bookingManage));
  registerGuestRoutes(
    route,
    createGuestController({
      codes: c.services.emailCodes,
      guestBookings: c.services.guestBookings,
      queries: c.services.bookingQueries,
    }),
  );
  registerCalendarRoutes(
    route,
    createCalendarController({
      feeds: c.services.calendarFeeds,
      subscriptions: c.services.bookingFeed,
      zoomBusy: c.services.zoomBusy,
    }),
  );
  app.use(router);
  return registry;
}
