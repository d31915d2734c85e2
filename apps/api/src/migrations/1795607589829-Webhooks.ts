import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Webhooks1795607589829 implements MigrationInterface {
  name = 'Webhooks1795607589829';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "webhook_subscription" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "tenant_id" uuid NOT NULL, "url" character varying(2000) NOT NULL, "description" character varying(500), "event_types" text array NOT NULL DEFAULT '{}', "secret" character varying(100) NOT NULL, "active" boolean NOT NULL DEFAULT true, "created_by" uuid, CONSTRAINT "PK_b52cb4811c5ada4f42896c37ba8" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_657ecec7624b4951b4fc515b15" ON "webhook_subscription"  ("tenant_id") `);
    await q.query(`CREATE TABLE "webhook_delivery" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "tenant_id" uuid NOT NULL, "subscription_id" uuid NOT NULL, "event_id" uuid NOT NULL, "event_type" character varying(100) NOT NULL, "payload" jsonb NOT NULL, "dedupe_key" character varying(200), "status" character varying(10) NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP WITH TIME ZONE DEFAULT now(), "locked_until" TIMESTAMP WITH TIME ZONE, "last_attempt_at" TIMESTAMP WITH TIME ZONE, "last_status_code" integer, "last_error" text, "delivered_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_b1ae290239a778f12399db91354" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_02457cfc65be8faaca8e4dbc0b" ON "webhook_delivery"  ("tenant_id") `);
    await q.query(`CREATE UNIQUE INDEX "uq_webhook_delivery_dedupe" ON "webhook_delivery"  ("tenant_id", "subscription_id", "event_type", "dedupe_key") `);
    await q.query(`CREATE INDEX "ix_webhook_delivery_subscription_created" ON "webhook_delivery"  ("subscription_id", "created_at") `);
    await q.query(`CREATE INDEX "ix_webhook_delivery_due" ON "webhook_delivery"  ("status", "next_attempt_at") `);
    await q.query(`ALTER TABLE "webhook_subscription" ADD CONSTRAINT "FK_657ecec7624b4951b4fc515b152" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "webhook_delivery" ADD CONSTRAINT "FK_02457cfc65be8faaca8e4dbc0b1" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "webhook_delivery" ADD CONSTRAINT "FK_236a6a1218756223393d1fb5acc" FOREIGN KEY ("subscription_id") REFERENCES "webhook_subscription"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "webhook_delivery" DROP CONSTRAINT "FK_236a6a1218756223393d1fb5acc"`);
    await q.query(`ALTER TABLE "webhook_delivery" DROP CONSTRAINT "FK_02457cfc65be8faaca8e4dbc0b1"`);
    await q.query(`ALTER TABLE "webhook_subscription" DROP CONSTRAINT "FK_657ecec7624b4951b4fc515b152"`);
    await q.query(`DROP INDEX "public"."ix_webhook_delivery_due"`);
    await q.query(`DROP INDEX "public"."ix_webhook_delivery_subscription_created"`);
    await q.query(`DROP INDEX "public"."uq_webhook_delivery_dedupe"`);
    await q.query(`DROP INDEX "public"."IDX_02457cfc65be8faaca8e4dbc0b"`);
    await q.query(`DROP TABLE "webhook_delivery"`);
    await q.query(`DROP INDEX "public"."IDX_657ecec7624b4951b4fc515b15"`);
    await q.query(`DROP TABLE "webhook_subscription"`);
  }
}
