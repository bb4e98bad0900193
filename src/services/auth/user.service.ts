import { isValidObjectId } from 'mongoose';
import { NotFoundError } from '../../lib/errors';
import { UserModel, type UserRole } from '../../models/user.model';

export interface UserDto {
  id: string;
  role: UserRole;
  name: string;
  email: string;
  timezone: string;
  createdAt: string;
}

interface UserLike {
  _id: { toString(): string };
  role: UserRole;
  name: string;
  email: string;
  timezone: string;
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
    async findAdmins(): Promise<UserDto[]> {
      const admins = await UserModel.find({ role: 'admin' }).lean();
      return admins.map(toUserDto);
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
