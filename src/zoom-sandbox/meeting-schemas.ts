import { z } from 'zod';

/** Request bodies of createMeeting (MeetingDetails) and updateMeeting (UpdateMeetingRequest). */

const bool = z.boolean();
const int = z.number().int();

export const MeetingSettingsInput = z.object({
  additional_data_center_regions: z.array(z.string()).optional(),
  allow_multiple_devices: bool.optional(),
  alternative_hosts: z.string().optional(),
  alternative_hosts_email_notification: bool.optional(),
  approval_type: z.union([z.literal(0), z.literal(1), z.literal(2)]).optional(),
  approved_or_denied_countries_or_regions: z.looseObject({}).optional(),
  audio: z.enum(['both', 'telephony', 'voip', 'thirdParty']).optional(),
  authentication_domains: z.string().optional(),
  authentication_option: z.string().optional(),
  auto_recording: z.enum(['local', 'cloud', 'none']).optional(),
  breakout_room: z
    .object({
      enable: bool.optional(),
      rooms: z
        .array(z.object({ name: z.string().optional(), participants: z.array(z.string()).optional() }))
        .optional(),
    })
    .optional(),
  close_registration: bool.optional(),
  cn_meeting: bool.optional(),
  contact_email: z.string().optional(),
  contact_name: z.string().optional(),
  encryption_type: z.enum(['enhanced_encryption', 'e2ee']).optional(),
  enforce_login: bool.optional(),
  enforce_login_domains: z.string().optional(),
  global_dial_in_countries: z.array(z.string()).optional(),
  host_video: bool.optional(),
  in_meeting: bool.optional(),
  jbh_time: z.union([z.literal(0), z.literal(5), z.literal(10), z.literal(15)]).optional(),
  join_before_host: bool.optional(),
  language_interpretation: z.looseObject({ enable: bool.optional() }).optional(),
  meeting_authentication: bool.optional(),
  mute_upon_entry: bool.optional(),
  participant_video: bool.optional(),
  private_meeting: bool.optional(),
  registrants_confirmation_email: bool.optional(),
  registrants_email_notification: bool.optional(),
  registration_type: z.union([z.literal(1), z.literal(2), z.literal(3)]).optional(),
  show_share_button: bool.optional(),
  use_pmi: bool.optional(),
  waiting_room: bool.optional(),
  watermark: bool.optional(),
  email_notification: bool.optional(),
});

const Recurrence = z.looseObject({
  type: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  repeat_interval: int.optional(),
  weekly_days: z.string().optional(),
  monthly_day: int.optional(),
  monthly_week: int.optional(),
  monthly_week_day: int.optional(),
  end_times: int.optional(),
  end_date_time: z.string().optional(),
});

// Zoom accepts `yyyy-MM-ddTHH:mm:ssZ` (GMT) or `yyyy-MM-ddTHH:mm:ss` (local to `timezone`); offsets and
// fractional seconds are tolerated too.
const StartTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/);

// Unknown top-level fields are ignored, as Zoom does.
export const MeetingCreateInput = z.object({
  topic: z.string().max(200).optional(),
  type: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(8)]).optional(),
  start_time: StartTime.optional(),
  duration: int.min(0).optional(),
  timezone: z.string().optional(),
  // Zoom passcodes: [a-z A-Z 0-9 @ - _ *], at most 10 characters.
  password: z
    .string()
    .max(10)
    .regex(/^[A-Za-z0-9@\-_*]*$/)
    .optional(),
  default_password: bool.optional(),
  agenda: z.string().max(2000).optional(),
  schedule_for: z.string().optional(),
  template_id: z.string().optional(),
  pre_schedule: bool.optional(),
  recurrence: Recurrence.optional(),
  tracking_fields: z.array(z.object({ field: z.string(), value: z.string().optional() })).optional(),
  settings: MeetingSettingsInput.optional(),
});
export type MeetingCreateInput = z.infer<typeof MeetingCreateInput>;

export const MeetingUpdateInput = MeetingCreateInput.omit({ pre_schedule: true });
export type MeetingUpdateInput = z.infer<typeof MeetingUpdateInput>;

export interface ZoomValidationError {
  code: 300;
  message: string;
  errors?: Array<{ field: string; message: string }>;
}

export function validationError(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey> }>): ZoomValidationError {
  const fields = [...new Set(issues.map((issue) => issue.path.map(String).join('.') || '(body)'))];
  return {
    code: 300,
    message: 'Validation Failed.',
    errors: fields.map((field) => ({ field, message: 'Invalid field.' })),
  };
}

export const INVALID_JSON: ZoomValidationError = { code: 300, message: 'Request Body should be a valid JSON object.' };
