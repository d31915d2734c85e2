import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795607176077 implements MigrationInterface {
  name = 'Foundation1795607176077';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "tenant" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "name" character varying(200) NOT NULL, "default_locale" character varying(2) NOT NULL DEFAULT 'fr', "default_currency" character(3) NOT NULL DEFAULT 'EUR', "timezone" character varying(64) NOT NULL DEFAULT 'Europe/Paris', CONSTRAINT "PK_da8c6efd67bb301e810e56ac139" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "api_key" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "tenant_id" uuid NOT NULL, "name" character varying(100) NOT NULL, "prefix" character varying(16) NOT NULL, "key_hash" character varying(64) NOT NULL, "scopes" text array NOT NULL DEFAULT '{}', "expires_at" date, "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "created_by" uuid, CONSTRAINT "PK_b1bd840641b8acbaad89c3d8d11" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_6101b7dd3373e2cef8f373551d" ON "api_key"  ("tenant_id") `);
    await q.query(`CREATE UNIQUE INDEX "uq_api_key_prefix" ON "api_key"  ("prefix") `);
    await q.query(`CREATE TABLE "refresh_token" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "tenant_id" uuid NOT NULL, "user_id" uuid NOT NULL, "family_id" uuid NOT NULL, "token_hash" character varying(64) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "replaced_by" uuid, "user_agent" character varying(300), CONSTRAINT "PK_b575dd3c21fb0831013c909e7fe" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_bad6f2d9e82f894840ec9b49ad" ON "refresh_token"  ("tenant_id") `);
    await q.query(`CREATE INDEX "IDX_6bbe63d2fe75e7f0ba1710351d" ON "refresh_token"  ("user_id") `);
    await q.query(`CREATE INDEX "ix_refresh_token_family" ON "refresh_token"  ("family_id") `);
    await q.query(`CREATE TABLE "app_user" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "tenant_id" uuid NOT NULL, "email" character varying(254) NOT NULL, "name" character varying(200) NOT NULL, "password_hash" character varying(200) NOT NULL, "role" character varying(20) NOT NULL, "locale" character varying(2) NOT NULL DEFAULT 'fr', "active" boolean NOT NULL DEFAULT true, "must_change_password" boolean NOT NULL DEFAULT false, "last_login_at" TIMESTAMP WITH TIME ZONE, "password_changed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_22a5c4a3d9b2fb8e4e73fc4ada1" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_29ed668eb2c458a129aa6bbd31" ON "app_user"  ("tenant_id") `);
    await q.query(`CREATE UNIQUE INDEX "uq_app_user_email" ON "app_user"  ("email") `);
    await q.query(`CREATE TABLE "audit_log" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "actor_type" character varying(10) NOT NULL, "actor_id" uuid, "actor_label" character varying(254), "action" character varying(10) NOT NULL, "entity" character varying(80) NOT NULL, "entity_id" character varying(64) NOT NULL, "changes" jsonb NOT NULL DEFAULT '{}', "request_id" character varying(64), CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "ix_audit_log_entity" ON "audit_log"  ("tenant_id", "entity", "entity_id") `);
    await q.query(`CREATE INDEX "ix_audit_log_tenant_at" ON "audit_log"  ("tenant_id", "at") `);
    await q.query(`CREATE TABLE "job_run" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "tenant_id" uuid, "name" character varying(100) NOT NULL, "status" character varying(12) NOT NULL, "trigger" character varying(20) NOT NULL DEFAULT 'schedule', "started_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, "counts" jsonb NOT NULL DEFAULT '{}', "error" text, CONSTRAINT "PK_96fe0b041b8bc157dcec25bd8ef" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "ix_job_run_tenant_started" ON "job_run"  ("tenant_id", "started_at") `);
    await q.query(`CREATE INDEX "ix_job_run_name_started" ON "job_run"  ("name", "started_at") `);
    await q.query(`CREATE TABLE "business_unit" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "tenant_id" uuid NOT NULL, "code" character varying(40) NOT NULL, "name" character varying(200) NOT NULL, "active" boolean NOT NULL DEFAULT true, CONSTRAINT "PK_842dd03ad7a179a295f55c01008" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_83bb5f33a212197a71d4ad70df" ON "business_unit"  ("tenant_id") `);
    await q.query(`CREATE UNIQUE INDEX "uq_business_unit_code" ON "business_unit"  ("tenant_id", "code") `);
    await q.query(`CREATE TABLE "legal_entity" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "tenant_id" uuid NOT NULL, "code" character varying(40) NOT NULL, "name" character varying(200) NOT NULL, "siren" character varying(9), "siret" character varying(14), "vat_number" character varying(20), "country" character(2) NOT NULL DEFAULT 'FR', "currency" character(3) NOT NULL DEFAULT 'EUR', "address" jsonb, "active" boolean NOT NULL DEFAULT true, CONSTRAINT "PK_34a297096a2395e25cafb2a8878" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_928cdae5534cb7aecb16b88fcb" ON "legal_entity"  ("tenant_id") `);
    await q.query(`CREATE UNIQUE INDEX "uq_legal_entity_code" ON "legal_entity"  ("tenant_id", "code") `);
    await q.query(`ALTER TABLE "api_key" ADD CONSTRAINT "FK_6101b7dd3373e2cef8f373551de" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "refresh_token" ADD CONSTRAINT "FK_bad6f2d9e82f894840ec9b49adf" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "app_user" ADD CONSTRAINT "FK_29ed668eb2c458a129aa6bbd31a" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "business_unit" ADD CONSTRAINT "FK_83bb5f33a212197a71d4ad70dfb" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "legal_entity" ADD CONSTRAINT "FK_928cdae5534cb7aecb16b88fcb2" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "legal_entity" DROP CONSTRAINT "FK_928cdae5534cb7aecb16b88fcb2"`);
    await q.query(`ALTER TABLE "business_unit" DROP CONSTRAINT "FK_83bb5f33a212197a71d4ad70dfb"`);
    await q.query(`ALTER TABLE "app_user" DROP CONSTRAINT "FK_29ed668eb2c458a129aa6bbd31a"`);
    await q.query(`ALTER TABLE "refresh_token" DROP CONSTRAINT "FK_bad6f2d9e82f894840ec9b49adf"`);
    await q.query(`ALTER TABLE "api_key" DROP CONSTRAINT "FK_6101b7dd3373e2cef8f373551de"`);
    await q.query(`DROP INDEX "public"."uq_legal_entity_code"`);
    await q.query(`DROP INDEX "public"."IDX_928cdae5534cb7aecb16b88fcb"`);
    await q.query(`DROP TABLE "legal_entity"`);
    await q.query(`DROP INDEX "public"."uq_business_unit_code"`);
    await q.query(`DROP INDEX "public"."IDX_83bb5f33a212197a71d4ad70df"`);
    await q.query(`DROP TABLE "business_unit"`);
    await q.query(`DROP INDEX "public"."ix_job_run_name_started"`);
    await q.query(`DROP INDEX "public"."ix_job_run_tenant_started"`);
    await q.query(`DROP TABLE "job_run"`);
    await q.query(`DROP INDEX "public"."ix_audit_log_tenant_at"`);
    await q.query(`DROP INDEX "public"."ix_audit_log_entity"`);
    await q.query(`DROP TABLE "audit_log"`);
    await q.query(`DROP INDEX "public"."uq_app_user_email"`);
    await q.query(`DROP INDEX "public"."IDX_29ed668eb2c458a129aa6bbd31"`);
    await q.query(`DROP TABLE "app_user"`);
    await q.query(`DROP INDEX "public"."ix_refresh_token_family"`);
    await q.query(`DROP INDEX "public"."IDX_6bbe63d2fe75e7f0ba1710351d"`);
    await q.query(`DROP INDEX "public"."IDX_bad6f2d9e82f894840ec9b49ad"`);
    await q.query(`DROP TABLE "refresh_token"`);
    await q.query(`DROP INDEX "public"."uq_api_key_prefix"`);
    await q.query(`DROP INDEX "public"."IDX_6101b7dd3373e2cef8f373551d"`);
    await q.query(`DROP TABLE "api_key"`);
    await q.query(`DROP TABLE "tenant"`);
  }
}
