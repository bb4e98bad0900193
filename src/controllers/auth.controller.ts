import type { Request, Response } from 'express';
import { principalOf } from '../middlewares/authenticate';
import type { AccountService } from '../services/auth/account.service';
import type { AuthService } from '../services/auth/auth.service';
import type { PasswordService } from '../services/auth/password.service';
import type { UserService } from '../services/auth/user.service';

const clientOf = (req: Request) => ({ ip: req.ip ?? 'unknown', userAgent: req.get('user-agent') });

const ACCEPTED = { message: 'If the address has an account that needs it, a mail is on its way' };

export function createAuthController(deps: {
  auth: AuthService;
  users: UserService;
  account: AccountService;
  passwords: PasswordService;
}) {
  const { auth, users, account, passwords } = deps;
  return {
    async register(req: Request, res: Response) {
      res.status(201).json(await auth.register({ ...res.locals.body, ...clientOf(req) }));
    },
    async login(req: Request, res: Response) {
      res.status(200).json(await auth.login({ ...res.locals.body, ...clientOf(req) }));
    },
    async me(_req: Request, res: Response) {
      res.status(200).json(await users.getById(principalOf(res).userId));
    },
    async updateMe(req: Request, res: Response) {
      res.status(200).json(await account.updateMe(principalOf(res).userId, res.locals.body, req.ip ?? 'unknown'));
    },
    async verifyEmail(_req: Request, res: Response) {
      res.status(200).json(await account.verifyEmail(res.locals.body.token));
    },
    async resendVerification(req: Request, res: Response) {
      await account.resendVerification({ email: res.locals.body.email, ip: req.ip ?? 'unknown' });
      res.status(202).json(ACCEPTED);
    },
    async forgotPassword(req: Request, res: Response) {
      await passwords.forgotPassword({ email: res.locals.body.email, ip: req.ip ?? 'unknown' });
      res.status(202).json(ACCEPTED);
    },
    async resetPassword(_req: Request, res: Response) {
      await passwords.resetPassword(res.locals.body);
      res.status(204).end();
    },
    async changePassword(req: Request, res: Response) {
      res.status(200).json(await passwords.changePassword(principalOf(res), res.locals.body, clientOf(req)));
    },
  };
}
