import type { Request, Response } from 'express';
import { AppError, MalformedJsonError } from '../lib/errors';
import { principalOf } from '../middlewares/authenticate';
import type { ZoomConnectionService } from '../services/zoom/zoom-connection.service';
import type { ZoomWebhookService } from '../services/zoom/zoom-webhook.service';

export function createZoomController(deps: {
  connection: ZoomConnectionService;
  webhook: ZoomWebhookService;
  frontendUrl: string;
}) {
  const profileUrl = (params: Record<string, string>) =>
    `${deps.frontendUrl}/specialist/profile?${new URLSearchParams(params).toString()}`;

  return {
    async connect(_req: Request, res: Response) {
      res.status(200).json({ authorizeUrl: await deps.connection.createAuthorizeUrl(principalOf(res).userId) });
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
      try {
        const { moved } = await deps.connection.completeAuthorization({ code, state });
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
        expectedSpecialistId: principalOf(res).userId,
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
