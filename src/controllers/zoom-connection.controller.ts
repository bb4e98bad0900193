import type { CookieOptions, Request, Response } from 'express';
import { AppError, MalformedJsonError } from '../lib/errors';
import { principalOf } from '../middlewares/authenticate';
import { readCookie, zoomConnectCookieName, type SessionCookieSettings } from '../middlewares/session-cookies';
import { CONNECT_STATE_TTL_SECONDS, type ZoomConnectionService } from '../services/zoom/zoom-connection.service';
import type { ZoomWebhookService } from '../services/zoom/zoom-webhook.service';

const MAX_PENDING_CONNECTS = 5;

export function createZoomController(deps: {
  connection: ZoomConnectionService;
  webhook: ZoomWebhookService;
  frontendUrl: string;
  cookies: Pick<SessionCookieSettings, 'secure'>;
}) {
  const profileUrl = (params: Record<string, string>) =>
    `${deps.frontendUrl}/specialist/profile?${new URLSearchParams(params).toString()}`;
  const cookieName = zoomConnectCookieName(deps.cookies);
  const cookieOptions: CookieOptions = { httpOnly: true, secure: deps.cookies.secure, sameSite: 'lax', path: '/' };
  /**
   * The nonces of this browser's pending connects, newest first. Several, so a second tab's connect does not strand
   * the first; a few, because a state lives only 10 minutes.
   */
  const browserNonces = (req: Request) =>
    (readCookie(req, cookieName) ?? '')
      .split('.')
      .filter((n) => /^[\w-]{43}$/.test(n))
      .slice(0, MAX_PENDING_CONNECTS);
  /** The cookie lives as long as a state may; each connect sets it anew. */
  const keepNonces = (res: Response, nonces: string[]) => {
    if (nonces.length === 0) res.clearCookie(cookieName, cookieOptions);
    else res.cookie(cookieName, nonces.join('.'), { ...cookieOptions, maxAge: CONNECT_STATE_TTL_SECONDS * 1000 });
  };

  return {
    /** The authorize URL, and the cookie that binds its state to this browser. */
    async connect(req: Request, res: Response) {
      const started = await deps.connection.createAuthorizeUrl(principalOf(res).userId);
      keepNonces(res, [started.browserNonce, ...browserNonces(req)].slice(0, MAX_PENDING_CONNECTS));
      res.status(200).json({ authorizeUrl: started.authorizeUrl });
    },

    /** The browser lands here from Zoom: always answer with a redirect to the frontend, never JSON. */
    async callbackRedirect(req: Request, res: Response) {
      const { code, state, error } = res.locals.query as { code?: string; state?: string; error?: string };
      if (error)
        return res.redirect(
          302,
          profileUrl({ zoom: 'error', reason: error === 'access_denied' ? 'access_denied' : 'zoom_error' }),
        );
      if (!code || !state) return res.redirect(302, profileUrl({ zoom: 'error', reason: 'missing_code' }));
      const nonces = browserNonces(req);
      try {
        const { moved, browserNonce } = await deps.connection.completeAuthorization({
          code,
          state,
          proof: { browserNonces: nonces },
        });
        keepNonces(
          res,
          nonces.filter((n) => n !== browserNonce),
        );
        // A different Zoom account: say how many upcoming meetings moved to it.
        res.redirect(302, profileUrl({ zoom: 'connected', ...(moved === undefined ? {} : { moved: String(moved) }) }));
      } catch (err) {
        const reason =
          (err as { reason?: string }).reason ?? (err instanceof AppError ? err.code.toLowerCase() : 'internal');
        if (!(err instanceof AppError)) req.log.error({ err }, 'Zoom callback failed unexpectedly');
        res.redirect(302, profileUrl({ zoom: 'error', reason }));
      }
    },

    async callbackJson(_req: Request, res: Response) {
      const { code, state } = res.locals.body as { code: string; state: string };
      const result = await deps.connection.completeAuthorization({
        code,
        state,
        proof: { specialistId: principalOf(res).userId },
      });
      res.status(200).json({
        connected: true,
        zoomEmail: result.zoomEmail,
        zoomUserId: result.zoomUserId,
        ...(result.moved === undefined ? {} : { moved: result.moved }),
      });
    },

    async status(_req: Request, res: Response) {
      res.status(200).json(await deps.connection.status(principalOf(res).userId));
    },

    async disconnect(_req: Request, res: Response) {
      await deps.connection.disconnect(principalOf(res).userId);
      res.status(204).end();
    },

    /** Runs before the body is parsed and validated: an unsigned request learns nothing about what we accept. */
    verifyWebhookSignature(req: Request, _res: Response, next: () => void) {
      const rawBody = Buffer.isBuffer(req.body) ? req.body : undefined;
      deps.webhook.verify({
        signature: req.header('x-zm-signature'),
        timestamp: req.header('x-zm-request-timestamp'),
        rawBody,
      });
      try {
        req.body = JSON.parse(rawBody!.toString('utf8'));
      } catch {
        throw new MalformedJsonError();
      }
      next();
    },

    async webhook(_req: Request, res: Response) {
      res.status(200).json(await deps.webhook.handle(res.locals.body));
    },
  };
}
