import type { AppConfig } from '../../config';
import { EmailNotVerifiedError } from '../../lib/errors';

interface Verifiable {
  emailVerified?: boolean | null;
}

/** REQUIRE_VERIFIED_EMAIL: who must have opened their verification link before booking or being booked. */
export function createEmailPolicy(requirement: AppConfig['auth']['requireVerifiedEmail']) {
  return {
    requirement,
    assertMayBeBooked(specialist: Verifiable): void {
      if (requirement !== 'none' && specialist.emailVerified !== true) {
        throw new EmailNotVerifiedError(
          'This specialist has not verified their email address yet and cannot be booked',
        );
      }
    },
    assertMayBook(customer: Verifiable): void {
      if (requirement === 'all' && customer.emailVerified !== true) {
        throw new EmailNotVerifiedError(
          'Verify your email address before booking: open the link we mailed you, or ask for a new one',
        );
      }
    },
  };
}

export type EmailPolicy = ReturnType<typeof createEmailPolicy>;

/**
 * The specialist reads the booking service makes (new bookings and moves), refusing a specialist who may not be booked:
 * one others no longer see (an account being deleted) or, by this policy, not verified yet.
 */
export function bookableSpecialists<
  S extends {
    profileOf(id: string): Promise<{ user: Verifiable }>;
    listedProfileOf(id: string): ReturnType<S['profileOf']>;
  },
>(specialists: S, policy: EmailPolicy): S {
  return {
    ...specialists,
    async profileOf(id: string) {
      const read = await specialists.listedProfileOf(id);
      policy.assertMayBeBooked(read.user);
      return read;
    },
  };
}

/** The booking service, refusing a customer who may not book yet (the account as authentication read it). */
export function verifiedCustomersOnly<
  B extends { create(customer: { userId: string; user?: Verifiable }, ...rest: never[]): Promise<unknown> },
>(bookings: B, policy: EmailPolicy, accountOf: (userId: string) => Promise<Verifiable>): B {
  if (policy.requirement !== 'all') return bookings;
  const create = (async (customer, ...rest) => {
    policy.assertMayBook(customer.user ?? (await accountOf(customer.userId)));
    return bookings.create(customer, ...rest);
  }) as B['create'];
  return { ...bookings, create };
}
