import { UnprocessableError } from '../../lib/errors';

export class TooLateToChangeError extends UnprocessableError {
  constructor(noticeMinutes: number) {
    super(
      `This booking can no longer be changed here: changes need ${noticeMinutes} minutes' notice before the start`,
      'TOO_LATE_TO_CHANGE',
      { cancelNoticeMinutes: noticeMinutes },
    );
  }
}

export class DailyLimitReachedError extends UnprocessableError {
  constructor(maxBookingsPerDay: number) {
    super(`The specialist takes at most ${maxBookingsPerDay} bookings on this day`, 'DAILY_LIMIT_REACHED', {
      maxBookingsPerDay,
    });
  }
}
