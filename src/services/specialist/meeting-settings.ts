import { ZOOM_DEFAULT_SETTINGS, type MeetingSettings } from '../booking/meeting-input';

/**
 * The specialist's overrides of their own Zoom settings, as saved with the profile; every one `zoom_default` when
 * nothing was saved (then our creates send no host-controlled setting at all).
 */
export function toMeetingSettings(
  profile: { meetingSettings?: Partial<Record<keyof MeetingSettings, unknown>> | null } | null | undefined,
): MeetingSettings {
  const saved = profile?.meetingSettings ?? {};
  const flag = (v: unknown) => (typeof v === 'boolean' ? v : 'zoom_default');
  const recording = saved.autoRecording;
  return {
    autoRecording:
      recording === 'none' || recording === 'local' || recording === 'cloud'
        ? recording
        : ZOOM_DEFAULT_SETTINGS.autoRecording,
    waitingRoom: flag(saved.waitingRoom),
    joinBeforeHost: flag(saved.joinBeforeHost),
    muteUponEntry: flag(saved.muteUponEntry),
  };
}
