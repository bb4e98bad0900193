import type { RequestHandler, Response } from 'express';
import { ForbiddenError, UnauthenticatedError } from '../lib/errors';
import type { UserRole } from '../models/user.model';
import type { AuthService, Principal } from '../services/auth/auth.service';

export type Access = 'public' | 'authenticated' | readonly UserRole[];

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

export function authenticate(
  auth: AuthService,
  access: Exclude<Access, 'public'>,
  options: { accountRead?: 'token' } = {},
): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req.headers.authorization);
    if (!token) throw new UnauthenticatedError('Missing bearer token');
    const principal = options.accountRead === 'token' ? await auth.verify(token) : await auth.authenticate(token);
    if (access !== 'authenticated' && !access.includes(principal.role)) {
      throw new ForbiddenError(`This requires the role ${access.join(' or ')}`);
    }
    res.locals.principal = principal;
    next();
  };
}

export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal) throw new UnauthenticatedError();
  return principal;
}
