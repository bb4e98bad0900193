import type { createAuthController } from '../controllers/auth.controller';
import { AuthResponse, LoginBody, RegisterBody, UpdateMeBody, User } from '../schemas/auth.schemas';
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
    summary: 'Change the name or time zone of the signed-in account',
    access: 'authenticated',
    request: { body: UpdateMeBody },
    responses: { 200: { description: 'The updated user', schema: User } },
    handler: controller.updateMe,
  });
}
