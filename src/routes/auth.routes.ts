import type { createAuthController } from '../controllers/auth.controller';
import {
  Accepted,
  AuthResponse,
  EmailBody,
  LinkTokenBody,
  LoginBody,
  RegisterBody,
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
    summary: 'Exchange email and password for a bearer token',
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
}
