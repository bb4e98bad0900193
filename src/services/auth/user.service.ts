import { isValidObjectId } from 'mongoose';
import { NotFoundError, ValidationError } from '../../lib/errors';
import { isValidTimeZone } from '../../lib/timezone';
import { UserModel, type UserRole } from '../../models/user.model';

export interface UserDto {
  id: string;
  role: UserRole;
  name: string;
  email: string;
  timezone: string;
  emailVerified: boolean;
  /** The new address of an email change waiting for its link to be opened. */
  pendingEmail: string | null;
  createdAt: string;
}

interface UserLike {
  _id: { toString(): string };
  role: UserRole;
  name: string;
  email: string;
  timezone: string;
  emailVerified?: boolean | null;
  pendingEmail?: string | null;
  createdAt?: Date;
}

/** The only shape a user leaves the service layer in: never the password hash. */
export function toUserDto(user: UserLike): UserDto {
  return {
    id: user._id.toString(),
    role: user.role,
    name: user.name,
    email: user.email,
    timezone: user.timezone,
    emailVerified: user.emailVerified === true,
    pendingEmail: user.pendingEmail ?? null,
    createdAt: (user.createdAt ?? new Date(0)).toISOString(),
  };
}

export function createUserService() {
  return {
    async getById(id: string): Promise<UserDto> {
      if (!isValidObjectId(id)) throw new NotFoundError('User');
      const user = await UserModel.findById(id).lean();
      if (!user) throw new NotFoundError('User');
      return toUserDto(user);
    },
    /** Name and time zone; the email changes through its own verified path (AccountMails.requestEmailChange). */
    async updateProfile(id: string, input: { name?: string; timezone?: string }): Promise<UserDto> {
      if (input.timezone !== undefined && !isValidTimeZone(input.timezone)) {
        throw new ValidationError('Invalid time zone', [{ path: ['timezone'], message: 'must be an IANA time zone' }]);
      }
      const $set = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
      if (Object.keys($set).length > 0) await UserModel.updateOne({ _id: id }, { $set });
      return this.getById(id);
    },
    async findAdmins(): Promise<UserDto[]> {
      const admins = await UserModel.find({ role: 'admin' }).lean();
      return admins.map(toUserDto);
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
