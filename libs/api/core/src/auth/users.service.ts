import { Injectable } from '@nestjs/common';
import { DataSource, ILike, IsNull } from 'typeorm';
import { TenantDb } from '../database/tenant-db.js';
import { ConflictError } from '../errors/app-error.js';
import { orderFrom, toPage, type Page, type PageQuery } from '../http/pagination.js';
import { RequestContext } from '../context/request-context.js';
import type { CreatedUserDto, CreateUserDto, UpdateMeDto, UpdateUserDto, UserDto } from './auth.dto.js';
import { toUserDto } from './auth.service.js';
import { generatePassword, hashPassword } from './passwords.js';
import { RefreshToken } from './refresh-token.entity.js';
import { User } from './user.entity.js';

/** Users of the current tenant, managed by its admins. */
@Injectable()
export class UsersService {
  constructor(
    private readonly db: TenantDb,
    private readonly dataSource: DataSource,
  ) {}

  async list(q: PageQuery): Promise<Page<UserDto>> {
    const where = q.q ? [{ name: ILike(`%${q.q}%`) }, { email: ILike(`%${q.q}%`) }] : undefined;
    const [rows, total] = await this.db.repo(User).findAndCount({
      where,
      order: orderFrom(q.sort, ['createdAt', 'name', 'email', 'role', 'lastLoginAt'], { name: 'ASC' }),
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return toPage(
      rows.map((u) => toUserDto(u)),
      total,
      q,
    );
  }

  async get(id: string): Promise<UserDto> {
    return toUserDto(await this.db.repo(User).get(id));
  }

  async create(dto: CreateUserDto): Promise<CreatedUserDto> {
    const exists = await this.dataSource.getRepository(User).exists({ where: { email: dto.email } });
    if (exists)
      throw new ConflictError('email-taken', 'A user with this email already exists', [
        { field: 'email', message: 'email is already used' },
      ]);
    const temporaryPassword = generatePassword();
    const repo = this.db.repo(User);
    const user = await repo.save(
      repo.create({
        email: dto.email,
        name: dto.name,
        role: dto.role,
        locale: dto.locale ?? 'fr',
        passwordHash: await hashPassword(temporaryPassword),
        mustChangePassword: true,
      }),
    );
    return { user: toUserDto(user), temporaryPassword };
  }

  async update(id: string, dto: UpdateUserDto): Promise<UserDto> {
    return this.db.transaction(async (tx) => {
      const repo = tx.repo(User);
      const user = await repo.get(id, { lock: { mode: 'pessimistic_write' } });
      const losesAdmin = user.role === 'admin' && user.active && ((dto.role && dto.role !== 'admin') || dto.active === false);
      if (losesAdmin) {
        const admins = await repo.count({ where: { role: 'admin', active: true } });
        if (admins <= 1) {
          throw new ConflictError('last-admin', 'The tenant must keep at least one active admin', [
            { field: dto.active === false ? 'active' : 'role', message: 'cannot remove the last active admin' },
          ]);
        }
      }
      if (dto.name !== undefined) user.name = dto.name;
      if (dto.role !== undefined) user.role = dto.role;
      if (dto.locale !== undefined) user.locale = dto.locale;
      const deactivated = dto.active === false && user.active;
      if (dto.active !== undefined) user.active = dto.active;
      await repo.save(user);
      if (deactivated) {
        await tx.manager.getRepository(RefreshToken).update({ userId: user.id, revokedAt: IsNull() }, { revokedAt: new Date() });
      }
      return toUserDto(user);
    });
  }

  async updateMe(dto: UpdateMeDto): Promise<UserDto> {
    const p = RequestContext.principal();
    const repo = this.db.repo(User);
    const user = await repo.get(p?.kind === 'user' ? p.userId : '');
    if (dto.name !== undefined) user.name = dto.name;
    if (dto.locale !== undefined) user.locale = dto.locale;
    await repo.save(user);
    return toUserDto(user);
  }
}
