import type { createAuthController } from '../controllers/auth.controller';
import {
  Accepted,
  AccountExport,
  DeleteMeBody,
  AuthResponse,
  ChangePasswordBody,
  EmailBody,
  LinkTokenBody,
  LoginBody,
  RegisterBody,
  ResetPasswordBody,
  SessionList,
  UpdateMeBody,
  User,
} from '../schemas/auth.schemas';
import type { DefineRoute } from './define-route';

export function registerAuthRoutes(route: DefineRoute, controller: ReturnType<typeof createAuthController>) {
  route({
    method: 'post',
    path: '/api/auth/register',
    tags: ['Auth'],
    summary: 'Create a specialist or customer account',
    access: 'public',
    request: { body: RegisterBody },
    responses: { 201: { description: 'Account created; the token is ready to use', schema: AuthResponse } },
    errors: { 409: 'Email already registered (in any letter case)' },
    handler: controller.register,
  });
  route({
    method: 'post',
    path: '/api/auth/login',
    tags: ['Auth'],
    summary: 'Sign in: a bearer token in the body, and the HttpOnly session cookie plus the csrf cookie',
    access: 'public',
    request: { body: LoginBody },
    responses: { 200: { description: 'Logged in', schema: AuthResponse } },
    errors: { 401: 'Wrong email or password', 429: 'Too many attempts from this IP or for this email' },
    handler: controller.login,
  });
  route({
    method: 'get',
    path: '/api/me',
    tags: ['Auth'],
    summary: 'The account behind the bearer token',
    access: 'authenticated',
    responses: { 200: { description: 'The current user', schema: User } },
    handler: controller.me,
  });
  route({
    method: 'patch',
    path: '/api/me',
    tags: ['Auth'],
    summary: 'Change the name, time zone or email of the signed-in account',
    description:
      'A new `email` (with `currentPassword`) is only stored as `pendingEmail`: it takes effect when the link mailed ' +
      'to it is opened (POST /api/auth/verify-email), and the current address is told at once.',
    access: 'authenticated',
    request: { body: UpdateMeBody },
    responses: { 200: { description: 'The updated user', schema: User } },
    errors: {
      403: 'WRONG_PASSWORD: the current password is wrong',
      409: 'EMAIL_TAKEN',
      429: 'RATE_LIMITED: too many mails for this address or from this IP',
    },
    handler: controller.updateMe,
  });
  route({
    method: 'post',
    path: '/api/auth/verify-email',
    tags: ['Auth'],
    summary: 'Open a verification link (sign-up or email change)',
    access: 'public',
    request: { body: LinkTokenBody },
    responses: { 200: { description: 'The address is verified', schema: User } },
    errors: { 400: 'LINK_INVALID: malformed, expired (24 h), used or superseded', 409: 'EMAIL_TAKEN' },
    handler: controller.verifyEmail,
  });
  route({
    method: 'post',
    path: '/api/auth/resend-verification',
    tags: ['Auth'],
    summary: 'Mail a new verification link (always 202: it never says whether the address has an account)',
    access: 'public',
    request: { body: EmailBody },
    responses: { 202: { description: 'Accepted', schema: Accepted } },
    errors: { 429: 'RATE_LIMITED: too many mails for this address or from this IP' },
    handler: controller.resendVerification,
  });
  route({
    method: 'post',
    path: '/api/auth/forgot-password',
    tags: ['Auth'],
    summary: 'Mail a password-reset link (always 202: it never says whether the address has an account)',
    description:
      'The link (`${FRONTEND_URL}/reset-password?token=…`) works once, for 30 minutes; a newer one replaces it.',
    access: 'public',
    request: { body: EmailBody },
    responses: { 202: { description: 'Accepted', schema: Accepted } },
    errors: { 429: 'RATE_LIMITED: too many mails for this address or from this IP' },
    handler: controller.forgotPassword,
  });
  route({
    method: 'post',
    path: '/api/auth/reset-password',
    tags: ['Auth'],
    summary: 'Set a new password from a reset link; every session of the account ends',
    access: 'public',
    request: { body: ResetPasswordBody },
    responses: { 204: { description: 'Password set; sign in with it' } },
    errors: { 400: 'LINK_INVALID: malformed, expired, used or superseded; or VALIDATION_FAILED' },
    handler: controller.resetPassword,
  });
  route({
    method: 'post',
    path: '/api/me/password',
    tags: ['Auth'],
    summary: 'Change the password (the current one required); every other session ends',
    access: 'authenticated',
    request: { body: ChangePasswordBody },
    responses: { 200: { description: 'Changed: a new token for this session', schema: AuthResponse } },
    errors: { 403: 'WRONG_PASSWORD', 429: 'RATE_LIMITED: too many wrong passwords' },
    handler: controller.changePassword,
  });
  route({
    method: 'post',
    path: '/api/auth/logout',
    tags: ['Auth'],
    summary: 'End this session (its token and cookie stop working at once)',
    access: 'authenticated',
    responses: { 204: { description: 'Signed out; the session cookies are cleared' } },
    handler: controller.logout,
  });
  route({
    method: 'post',
    path: '/api/auth/logout-everywhere',
    tags: ['Auth'],
    summary: 'End every session of the account, on every device',
    access: 'authenticated',
    responses: { 204: { description: 'Every token issued so far stops working' } },
    handler: controller.logoutEverywhere,
  });
  route({
    method: 'get',
    path: '/api/auth/sessions',
    tags: ['Auth'],
    summary: 'The signed-in devices (sessions not ended or expired), newest first',
    access: 'authenticated',
    responses: { 200: { description: 'Sessions; `current` is the caller’s', schema: SessionList } },
    handler: controller.sessions,
  });
  route({
    method: 'delete',
    path: '/api/me',
    tags: ['Auth'],
    summary: 'Delete the account (password, or a sign-in of the last 5 minutes)',
    description:
      'Every token stops working at once. Upcoming bookings are cancelled as by the person (the other party is ' +
      'mailed, Zoom meetings deleted), the Zoom grant is revoked at Zoom and wiped, past bookings keep only ' +
      'anonymised facts (no topic, notes or links), and the account is removed.',
    access: 'authenticated',
    request: { body: DeleteMeBody },
    responses: {
      204: { description: 'Deleted' },
      202: { description: 'Signed out; finished by the maintenance sweep once Zoom confirms the meeting deletions' },
    },
    errors: { 403: 'WRONG_PASSWORD or REAUTHENTICATION_REQUIRED', 429: 'RATE_LIMITED: too many wrong passwords' },
    handler: controller.deleteMe,
  });
  route({
    method: 'get',
    path: '/api/me/export',
    tags: ['Auth'],
    summary: 'Everything we hold about you, as JSON (never a token or password hash)',
    access: 'authenticated',
    responses: {
      200: { description: 'Account, sessions, bookings, availability, Zoom connection', schema: AccountExport },
    },
    handler: controller.exportMe,
  });
}
