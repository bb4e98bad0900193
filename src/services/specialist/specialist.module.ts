import type { Clock } from '../../lib/clock';
import { createSpecialistService } from './specialist.service';

type SpecialistDeps = Parameters<typeof createSpecialistService>[0];

/** Specialists: profiles, availability and whether each can host a meeting now. */
export function createSpecialistModule(deps: { clock: Clock; host: SpecialistDeps['host'] }) {
  return { specialists: createSpecialistService({ clock: deps.clock, host: deps.host }) };
}

export type SpecialistModule = ReturnType<typeof createSpecialistModule>;
