import type { Request, Response } from 'express';
import type { BookingManageService, ManageView } from '../services/booking/booking-manage.service';

/** The customer's manage link: the token in the path is the only credential. */
export function createManageController(manage: BookingManageService) {
  const noStore = (res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
  };
  // The booking as its customer sees every booking: with the specialist's name (the view has already read it).
  const shape = (view: ManageView): ManageView => ({
    ...view,
    booking: { ...view.booking, specialistName: view.specialist.name },
  });
  return {
    async get(_req: Request, res: Response) {
      noStore(res);
      res.status(200).json(shape(await manage.get(res.locals.params.token)));
    },
    async cancel(_req: Request, res: Response) {
      noStore(res);
      res.status(200).json(shape(await manage.cancel(res.locals.params.token)));
    },
    async reschedule(_req: Request, res: Response) {
      noStore(res);
      res.status(200).json(shape(await manage.reschedule(res.locals.params.token, res.locals.body.start)));
    },
  };
}
