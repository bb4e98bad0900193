import type { MeetingStore } from './meetings';
import type { SandboxMeeting } from './types';

/** Response bodies of createMeeting / getMeetingById (with a fresh start_url each time) and listMeetings. */

export function meetingDetail(meetings: MeetingStore, m: SandboxMeeting) {
  return {
    uuid: m.uuid,
    id: m.id,
    host_id: m.host_id,
    host_email: m.host_email,
    topic: m.topic,
    type: m.type,
    status: m.status,
    ...(m.start_time === undefined ? {} : { start_time: m.start_time }),
    duration: m.duration,
    timezone: m.timezone,
    ...(m.agenda === undefined ? {} : { agenda: m.agenda }),
    created_at: m.created_at,
    start_url: meetings.startUrl(m),
    join_url: m.join_url,
    password: m.password,
    h323_password: m.h323_password,
    pstn_password: m.pstn_password,
    encrypted_password: m.encrypted_password,
    settings: structuredClone(m.settings),
    ...(m.recurrence ? { recurrence: structuredClone(m.recurrence) } : {}),
    ...(m.tracking_fields ? { tracking_fields: structuredClone(m.tracking_fields) } : {}),
    pre_schedule: m.pre_schedule,
  };
}

export function meetingListItem(m: SandboxMeeting) {
  return {
    uuid: m.uuid,
    id: m.id,
    host_id: m.host_id,
    topic: m.topic,
    type: m.type,
    ...(m.start_time === undefined ? {} : { start_time: m.start_time }),
    duration: m.duration,
    timezone: m.timezone,
    // Zoom truncates agendas to 250 characters in lists.
    ...(m.agenda === undefined ? {} : { agenda: m.agenda.slice(0, 250) }),
    created_at: m.created_at,
    join_url: m.join_url,
  };
}
