import { z } from 'zod';
import type { createSpecialistController } from '../controllers/specialist.controller';
import { Availability, AvailabilityBody, SlotsQuery, SlotsResponse, Specialist } from '../schemas/booking.schemas';
import { IdParams } from '../schemas/common.schemas';
import type { DefineRoute } from './define-route';

export function registerSpecialistRoutes(
  route: DefineRoute,
  controller: ReturnType<typeof createSpecialistController>,
) {
  const tags = ['Specialists'];
  route({
    method: 'put',
    path: '/api/specialists/me/availability',
    tags,
    summary: 'Set weekly availability (in your time zone) and profile headline',
    access: ['specialist'],
    request: { body: AvailabilityBody },
    responses: { 200: { description: 'Saved', schema: Availability } },
    handler: controller.putAvailability,
  });
  route({
    method: 'get',
    path: '/api/specialists/me/availability',
    tags,
    summary: 'Your saved weekly availability and headline',
    access: ['specialist'],
    responses: { 200: { description: 'Saved availability', schema: Availability } },
    errors: { 404: 'Nothing saved yet' },
    handler: controller.getAvailability,
  });
  route({
    method: 'get',
    path: '/api/specialists',
    tags,
    summary: 'All specialists',
    access: 'public',
    responses: { 200: { description: 'Specialists', schema: z.object({ items: z.array(Specialist) }) } },
    handler: controller.list,
  });
  route({
    method: 'get',
    path: '/api/specialists/:id',
    tags,
    summary: 'One specialist',
    access: 'public',
    request: { params: IdParams },
    responses: { 200: { description: 'The specialist', schema: Specialist } },
    errors: { 404: 'No such specialist' },
    handler: controller.get,
  });
  route({
    method: 'get',
    path: '/api/specialists/:id/slots',
    tags,
    summary: 'Free slots as UTC instants for local dates from..to (at most 62 days)',
    access: 'public',
    request: { params: IdParams, query: SlotsQuery },
    responses: { 200: { description: 'Free slots', schema: SlotsResponse } },
    errors: { 404: 'No such specialist' },
    handler: controller.slots,
  });
}
