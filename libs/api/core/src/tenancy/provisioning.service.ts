import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { generatePassword, hashPassword, passwordProblems } from '../auth/passwords.js';
import type { Role } from '../auth/roles.js';
import { User } from '../auth/user.entity.js';
import { runAsSystem } from '../context/request-context.js';
import { ConflictError, ValidationFailed } from '../errors/app-error.js';
import { LegalEntity } from './legal-entity.entity.js';
import { Tenant } from './tenant.entity.js';

export interface ProvisionedTenant {
  tenant: Tenant;
  admin: User;
  password: string;
}

/** Operator actions: create a tenant with its first admin (CLI), and the demo tenant. */
@Injectable()
export class ProvisioningService {
  constructor(private readonly dataSource: DataSource) {}

  async createTenant(input: {
    name: string;
    adminEmail: string;
    adminName?: string;
    password?: string;
  }): Promise<ProvisionedTenant> {
    const name = input.name.trim();
    const email = input.adminEmail.trim().toLowerCase();
    if (!name) throw new ValidationFailed([{ field: 'name', message: 'name is required' }]);
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
      throw new ValidationFailed([{ field: 'adminEmail', message: 'adminEmail must be an email address' }]);
    if (input.password) {
      const p = passwordProblems(input.password);
      if (p) throw new ValidationFailed([{ field: 'password', message: `password ${p}` }]);
    }
    const password = input.password ?? generatePassword();
    const passwordHash = await hashPassword(password);
    return this.dataSource.transaction(async (m) => {
      if (await m.getRepository(User).exists({ where: { email } })) {
        throw new ConflictError('email-taken', `A user with the email ${email} already exists`, [
          { field: 'adminEmail', message: 'already used' },
        ]);
      }
      const tenant = await m.getRepository(Tenant).save(m.getRepository(Tenant).create({ name }));
      return runAsSystem('provisioning', tenant.id, async () => {
        await m
          .getRepository(LegalEntity)
          .save(m.getRepository(LegalEntity).create({ tenantId: tenant.id, code: 'MAIN', name, country: 'FR', currency: 'EUR' }));
        const admin = await m.getRepository(User).save(
          m.getRepository(User).create({
            tenantId: tenant.id,
            email,
            name: input.adminName ?? email.split('@')[0],
            role: 'admin',
            passwordHash,
            mustChangePassword: !input.password,
          }),
        );
        return { tenant, admin, password };
      });
    });
  }

  /**
   * The demo tenant with one user per role. Idempotent: an existing demo tenant is kept and its
   * users' passwords are set to the given one (or a new generated one, printed by the caller).
   */
  async ensureDemoTenant(
    password?: string,
  ): Promise<{ tenant: Tenant; users: { email: string; role: Role }[]; password: string; created: boolean }> {
    const pwd = password ?? generatePassword();
    const passwordHash = await hashPassword(pwd);
    const users: { email: string; role: Role; name: string }[] = [
      { email: 'demo@encours.test', role: 'admin', name: 'Camille Admin' },
      { email: 'credit.manager@encours.test', role: 'credit_manager', name: 'Claire Crédit' },
      { email: 'collector@encours.test', role: 'collector', name: 'Louis Relance' },
      { email: 'sales@encours.test', role: 'sales', name: 'Sophie Vente' },
      { email: 'viewer@encours.test', role: 'viewer', name: 'Victor Lecture' },
    ];
    return this.dataSource.transaction(async (m) => {
      const existingAdmin = await m.getRepository(User).findOne({ where: { email: users[0].email } });
      let tenant: Tenant;
      let created = false;
      if (existingAdmin) {
        tenant = await m.getRepository(Tenant).findOneOrFail({ where: { id: existingAdmin.tenantId } });
      } else {
        tenant = await m.getRepository(Tenant).save(m.getRepository(Tenant).create({ name: 'Démo Industrie' }));
        created = true;
      }
      await runAsSystem('demo', tenant.id, async () => {
        if (created) {
          await m.getRepository(LegalEntity).save(
            m.getRepository(LegalEntity).create({
              tenantId: tenant.id,
              code: 'FR01',
              name: 'Démo Industrie SAS',
              siren: '552100554',
              siret: '55210055400013',
              vatNumber: 'FR40552100554',
              country: 'FR',
              currency: 'EUR',
              address: { line1: '12 rue de la Paix', postalCode: '75002', city: 'Paris', country: 'FR' },
            }),
          );
        }
        for (const u of users) {
          const existing = await m.getRepository(User).findOne({ where: { email: u.email } });
          if (existing) {
            await m.getRepository(User).update(existing.id, { passwordHash, active: true, mustChangePassword: false });
          } else {
            await m
              .getRepository(User)
              .save(
                m.getRepository(User).create({ tenantId: tenant.id, email: u.email, name: u.name, role: u.role, passwordHash }),
              );
          }
        }
      });
      return { tenant, users, password: pwd, created };
    });
  }
}
