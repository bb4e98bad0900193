import type { Request, Response } from 'express';
import { principalOf } from '../middlewares/authenticate';
import { clearSessionCookies, setSessionCookies, type SessionCookieSettings } from '../middlewares/session-cookies';
import type { AccountDeletion } from '../services/auth/account-deletion.service';
import type { AccountExport } from '../services/auth/account-export.service';
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
  deletion: AccountDeletion;
  exports: AccountExport;
  cookies: SessionCookieSettings;
}) {
  const { auth, users, account, passwords, deletion, exports, cookies } = deps;
  /** Every sign-in answers with the token (API clients) and sets the session cookies (browsers). */
  const signedIn = <T extends { token: string; csrfToken: string }>(res: Response, status: number, session: T) => {
    setSessionCookies(res, cookies, session.token, session.csrfToken);
    res.status(status).json(session);
  };
  return {
    async register(req: Request, res: Response) {
      signedIn(res, 201, await auth.register({ ...res.locals.body, ...clientOf(req) }));
    },
    async login(req: Request, res: Response) {
      signedIn(res, 200, await auth.login({ ...res.locals.body, ...clientOf(req) }));
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
      signedIn(res, 200, await passwords.changePassword(principalOf(res), res.locals.body, clientOf(req)));
    },
    async logout(_req: Request, res: Response) {
      await auth.logout(principalOf(res));
      clearSessionCookies(res, cookies);
      res.status(204).end();
    },
    async logoutEverywhere(_req: Request, res: Response) {
      await auth.endAllSessions(principalOf(res).userId);
      clearSessionCookies(res, cookies);
      res.status(204).end();
    },
    async deleteMe(req: Request, res: Response) {
      const outcome = await deletion.deleteAccount(principalOf(res), res.locals.body, req.ip ?? 'unknown');
      clearSessionCookies(res, cookies);
      if (outcome === 'deleted') res.status(204).end();
      else
        res
          .status(202)
          .json({ message: 'Signed out everywhere; deletion finishes once Zoom has removed the meetings' });
    },
    async exportMe(_req: Request, res: Response) {
      res.setHeader('Content-Disposition', 'attachment; filename="my-data.json"');
      res.setHeader('Cache-Control', 'no-store');
      res.status(200).json(await exports.exportFor(principalOf(res)));
    },
    async sessions(_req: Request, res: Response) {
      res.status(200).json({ items: await auth.listSessions(principalOf(res)) });
    },
  };
}
