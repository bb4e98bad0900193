import { z } from 'zod';

/** Zoom's responses, checked before we trust a field (see Zoom's OAuth docs and the meetings OpenAPI). */
export const ZoomTokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((t) => t.toLowerCase() === 'bearer', 'token_type must be bearer'),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().int().positive(),
  scope: z.string().optional(),
  api_url: z.string().optional(),
});
export type ZoomTokenResponse = z.infer<typeof ZoomTokenResponse>;

export const ZoomOAuthError = z.object({
  error: z.string().optional(),
  reason: z.string().optional(),
  error_description: z.string().optional(),
});

export const ZoomApiErrorBody = z.object({
  code: z.union([z.number(), z.string()]).optional(),
  message: z.string().optional(),
});

export const ZoomUser = z.object({
  id: z.string().min(1),
  email: z.string(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  display_name: z.string().optional(),
  account_id: z.string().optional(),
  timezone: z.string().optional(),
  type: z.number().optional(),
  status: z.string().optional(),
});
export type ZoomUser = z.infer<typeof ZoomUser>;

export const ZoomUserList = z.object({
  page_count: z.number().optional(),
  page_number: z.number().optional(),
  page_size: z.number().optional(),
  total_records: z.number().optional(),
  next_page_token: z.string().optional(),
  users: z.array(ZoomUser),
});

export const ZoomMeeting = z.object({
  id: z.union([z.number(), z.string()]).transform(String),
  uuid: z.string().optional(),
  host_id: z.string().optional(),
  host_email: z.string().optional(),
  topic: z.string().optional(),
  type: z.number().optional(),
  status: z.string().optional(),
  start_time: z.string().optional(),
  duration: z.number().optional(),
  timezone: z.string().optional(),
  agenda: z.string().optional(),
  created_at: z.string().optional(),
  start_url: z.string().optional(),
  join_url: z.string(),
  password: z.string().optional(),
});
export type ZoomMeeting = z.infer<typeof ZoomMeeting>;

export const ZoomMeetingList = z.object({
  page_size: z.number().optional(),
  total_records: z.number().optional(),
  next_page_token: z.string().optional(),
  meetings: z.array(ZoomMeeting.partial({ join_url: true })),
});

/** The subset of Zoom's MeetingDetails we send. */
export interface ZoomMeetingInput {
  topic: string;
  type: 2;
  start_time: string;
  duration: number;
  timezone: string;
  agenda?: string;
  settings?: Record<string, unknown>;
}
