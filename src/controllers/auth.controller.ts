import type { Request, Response } from 'express';
import { principalOf } from '../middlewares/authenticate';
import type { AccountService } from '../services/auth/account.service';
import type { AuthService } from '../services/auth/auth.service';
import type { UserService } from '../services/auth/user.service';

const ACCEPTED = { message: 'If the address has an account that needs it, a mail is on its way' };

export function createAuthController(auth: AuthService, users: UserService, account: AccountService) {
  return {
    async register(req: Request, res: Response) {
      res.status(201).json(await auth.register({ ...res.locals.body, ip: req.ip ?? 'unknown' }));
    },
    async login(req: Request, res: Response) {
      res.status(200).json(await auth.login({ ...res.locals.body, ip: req.ip ?? 'unknown' }));
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
  };
}
