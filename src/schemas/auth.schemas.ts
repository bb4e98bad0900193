import { z } from 'zod';
import { USER_ROLES } from '../models/user.model';
import { PersonName, TimeZone } from './common.schemas';

export const User = z
  .object({
    id: z.string(),
    role: z.enum(USER_ROLES),
    name: z.string(),
    email: z.email(),
    timezone: z.string(),
    emailVerified: z.boolean(),
    pendingEmail: z.email().nullable().meta({ description: 'a new address waiting for its verification link' }),
    createdAt: z.string(),
  })
  .meta({ id: 'User' });

export const RegisterBody = z
  .strictObject({
    role: z.enum(['specialist', 'customer']).meta({ description: 'admins are created with `npm run create-admin`' }),
    name: PersonName,
    email: z.email().max(254),
    password: z.string().min(8).max(256),
    timezone: TimeZone,
  })
  .meta({ id: 'RegisterRequest' });

export const LoginBody = z
  .strictObject({ email: z.email().max(254), password: z.string().min(1).max(256) })
  .meta({ id: 'LoginRequest' });

export const AuthResponse = z
  .object({
    token: z.string().meta({ description: 'bearer token for API clients (browsers use the session cookie)' }),
    csrfToken: z.string().meta({ description: 'send as X-CSRF-Token with cookie-authenticated writes' }),
    user: User,
  })
  .meta({ id: 'AuthResponse' });

export const SessionList = z
  .object({
    items: z.array(
      z.object({
        id: z.string(),
        createdAt: z.string(),
        userAgent: z.string().nullable(),
        ip: z.string().nullable(),
        current: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'SessionList' });

export const UpdateMeBody = z
  .strictObject({
    name: PersonName.optional(),
    timezone: TimeZone.optional(),
    email: z
      .email()
      .max(254)
      .optional()
      .meta({ description: 'takes effect when the link mailed to it is opened; the old address is told' }),
    currentPassword: z.string().min(1).max(256).optional().meta({ description: 'required with `email`' }),
  })
  .refine((body) => body.email === undefined || body.currentPassword !== undefined, {
    path: ['currentPassword'],
    message: 'is required to change the email address',
  })
  .meta({ id: 'UpdateMeRequest' });

export const LinkTokenBody = z
  .strictObject({ token: z.string().min(1).max(2048).meta({ description: 'the `token` of the mailed link' }) })
  .meta({ id: 'LinkTokenRequest' });

export const EmailBody = z.strictObject({ email: z.email().max(254) }).meta({ id: 'EmailRequest' });

export const Accepted = z
  .object({ message: z.string() })
  .meta({ id: 'Accepted', example: { message: 'If the address has an account, a mail is on its way' } });

const NewPassword = z.string().min(8).max(256);

export const ResetPasswordBody = z
  .strictObject({ token: z.string().min(1).max(2048), password: NewPassword })
  .meta({ id: 'ResetPasswordRequest' });

export const ChangePasswordBody = z
  .strictObject({ currentPassword: z.string().min(1).max(256), newPassword: NewPassword })
  .meta({ id: 'ChangePasswordRequest' });

export const DeleteMeBody = z
  .strictObject({
    password: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .meta({ description: 'required unless the token was issued in the last 5 minutes' }),
  })
  .meta({ id: 'DeleteMeRequest' });

export const AccountExport = z
  .object({
    exportedAt: z.string(),
    account: z.record(z.string(), z.unknown()),
    sessions: z.array(z.record(z.string(), z.unknown())),
    bookings: z.array(z.record(z.string(), z.unknown())),
    availability: z.record(z.string(), z.unknown()).nullable(),
    calendars: z
      .array(z.record(z.string(), z.unknown()))
      .meta({ description: 'calendar feeds by label and host (never their secret address)' }),
    zoomConnection: z.record(z.string(), z.unknown()).nullable(),
    s2sHost: z
      .record(z.string(), z.unknown())
      .nullable()
      .meta({ description: 'MEETING_PROVIDER=s2s: the Zoom user an admin approved as the host' }),
  })
  .meta({ id: 'AccountExport' });
