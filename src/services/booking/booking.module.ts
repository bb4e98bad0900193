import type { AppConfig } from '../../config';
import type { Clock } from '../../lib/clock';
import type { Logger } from '../../lib/logger';
import { bookableSpecialists, normaliseEmail, verifiedCustomersOnly, type AuthModule } from '../auth/auth.module';
import type { JobQueue } from '../jobs/jobs.module';
import type { MailModule } from '../mail/mail.module';
import type { Metrics } from '../metrics/metrics.module';
import type { SpecialistModule } from '../specialist/specialist.module';
import type { ZoomModule } from '../zoom/zoom.module';
import { createBookingJobs } from './booking-jobs.service';
import { createBookingManageService } from './booking-manage.service';
import { createBookingMeetingService } from './booking-meeting.service';
import { createBookingNotifier } from './booking-notification.service';
import { createBookingPolicy } from './booking-policy.service';
import { createBookingQueryService } from './booking-query.service';
import { createBookingRateLimits } from './booking-rate.service';
import { createBookingReminders } from './booking-reminder.service';
import { createBookingStartService } from './booking-start.service';
import { createBookingService } from './booking.service';
import { createGuestBookingService } from './guest-booking.service';
import { createManageLinks } from './manage-link.service';
import { createMeetingAdmin } from './meeting-admin.service';
import { createMeetingChangesService } from './meeting-changes.service';
import { createMeetingMove } from './meeting-move.service';
import { createMeetingReconcile } from './meeting-reconcile.service';
import { createMeetingRepair } from './meeting-repair.service';

/** The meeting states still to be made (the metrics count them as the admin view does). */
export { OPEN_MEETING } from './meeting-state';

/** Bookings: policy, creation and changes, their Zoom meetings (create, repair, move, reconcile), mails, reminders. */
export function createBookingModule(deps: {
  config: AppConfig;
  clock: Clock;
  logger: Logger;
  jobs: JobQueue;
  mail: MailModule['mail'];
  metrics?: Metrics;
  auth: Pick<AuthModule, 'jwt' | 'users' | 'auth' | 'emailPolicy' | 'emailCodes' | 'guests'>;
  specialists: SpecialistModule['specialists'];
  zoom: Pick<ZoomModule, 'api' | 'quota' | 'retiredGrants' | 'meetingHost' | 's2sHosts' | 'sharedHostUser'>;
}) {
  const { config, clock, logger, jobs, mail, metrics, specialists } = deps;
  const { jwt, users, auth, emailPolicy, emailCodes, guests } = deps.auth;
  const { api, quota, retiredGrants, meetingHost: host, s2sHosts, sharedHostUser } = deps.zoom;
  /** Where DTOs point start links, and whose meetings start as the shared host (no start link for the specialist). */
  const links = { publicBaseUrl: config.http.publicBaseUrl, sharedHostUser };
  const { integrity } = config;
  const meetings = createBookingMeetingService({
    host,
    api,
    quota,
    clock,
    logger,
    maxAttempts: config.jobs.meetingMaxAttempts,
    metrics,
  });
  const manageLinks = createManageLinks({ jwt, clock, frontendUrl: config.frontendUrl });
  const meetingChanges = createMeetingChangesService({
    host,
    api,
    quota,
    clock,
    users,
    specialists,
    deleteGiveUpMs: integrity.meetingDeleteGiveUpMs,
  });
  const notifier = createBookingNotifier({
    manageLinks,
    mail,
    jwt,
    users,
    clock,
    publicBaseUrl: config.http.publicBaseUrl,
    mailFrom: config.mail.from,
    sharedHostUser,
  });
  const bookingJobs = createBookingJobs({
    jobs,
    meetings,
    changes: meetingChanges,
    onDeleteGaveUp: (bookingId, reason) => notifier.notifyMeetingUndeletable(bookingId, reason),
    deleteGiveUpMs: integrity.meetingDeleteGiveUpMs,
    notifier,
    specialists,
    logger,
    clock,
    maxAttempts: config.jobs.meetingMaxAttempts,
    metrics,
  });
  // policies and reminders
  const policy = createBookingPolicy({ clock, logger });
  const reminders = createBookingReminders({
    jobs,
    mail,
    clock,
    offsetsMinutes: config.reminders.offsetsMinutes,
    context: notifier.contextOf,
    verify: (bookingId) => meetingRepair.verify(bookingId),
    verifyBeforeMs: config.meetingIntegrity.verifyBeforeMs,
  });
  const meetingRepair = createMeetingRepair({
    host,
    api,
    changes: meetingChanges,
    notifier,
    reminders,
    mail,
    jobs,
    clock,
    logger,
    maxAttempts: config.jobs.meetingMaxAttempts,
    frontendUrl: config.frontendUrl,
    quota,
  });
  const meetingMove = createMeetingMove({
    host,
    api,
    changes: meetingChanges,
    repair: meetingRepair,
    retired: retiredGrants,
    jobs,
    clock,
    logger,
    quota,
  });
  const meetingReconcile = createMeetingReconcile({
    host,
    api,
    changes: meetingChanges,
    repair: meetingRepair,
    jobs,
    clock,
    logger,
    everyMs: config.meetingIntegrity.reconcileEveryMs,
    windowMs: config.meetingIntegrity.reconcileWindowMs,
  });
  const meetingAdmin = createMeetingAdmin({ host, api, retired: retiredGrants, repair: meetingRepair, jobs, clock });
  const bookingService = createBookingService({
    policy,
    reminders,
    clock,
    specialists: bookableSpecialists(specialists, emailPolicy),
    accountOf: (userId) => auth.account(userId),
    host,
    meetings,
    jobs: bookingJobs,
    links,
    metrics,
    limits: createBookingRateLimits({
      clock,
      reschedulesPerBooking: integrity.rescheduleLimitPerBooking,
      changesPerHour: integrity.bookingRatePerHour,
    }),
  });
  const bookings = verifiedCustomersOnly(bookingService, emailPolicy, (userId) => auth.account(userId));
  const guestBookings = createGuestBookingService({
    bookings,
    codes: emailCodes,
    ownerOf: guests.ownerOf,
    links: manageLinks,
    frontendUrl: config.frontendUrl,
    normaliseEmail,
  });
  return {
    bookings,
    guestBookings,
    bookingManage: createBookingManageService({ links: manageLinks, bookings, specialists }),
    bookingQueries: createBookingQueryService({ links, clock }),
    bookingStart: createBookingStartService({
      jwt,
      meetings: meetingChanges,
      sharedHostUser,
      approvedHost: host.provider === 's2s' ? (specialistId) => s2sHosts.approvedHost(specialistId) : undefined,
    }),
    /** How booking DTOs are built here (the controller's single-booking read uses them too). */
    bookingLinks: links,
    bookingJobs,
    meetingRepair,
    meetingReconcile,
    meetingAdmin,
    meetingMove,
    /** Run with maintenance, in this order. */
    maintenanceSweeps: [bookingJobs.sweepUnconfirmed, policy.sweepSeats, bookingJobs.sweepUnremoved],
  };
}

export type BookingModule = ReturnType<typeof createBookingModule>;
