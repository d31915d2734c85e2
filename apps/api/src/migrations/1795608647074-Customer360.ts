import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The customer timeline (notes, calls, what modules record), read newest first per customer. */
export class Customer3601795608647074 implements MigrationInterface {
  name = 'Customer3601795608647074';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "customer_event" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "tenant_id" uuid NOT NULL, "customer_id" uuid NOT NULL, "type" character varying(60) NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "title" character varying(200) NOT NULL, "body" text, "amount" numeric(20,3), "currency" character(3), "data" jsonb, "source" character varying(40) NOT NULL, "author_id" uuid, "related_kind" character varying(40), "related_id" uuid, "related_label" character varying(200), "dedupe_key" character varying(200), CONSTRAINT "PK_cea68868c24effeb82f6a6968c1" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_cfac3bb948d13422d36e482fdf" ON "customer_event"  ("tenant_id") `);
    await q.query(`CREATE UNIQUE INDEX "uq_customer_event_dedupe" ON "customer_event"  ("tenant_id", "type", "dedupe_key") WHERE "dedupe_key" IS NOT NULL`);
    await q.query(`CREATE INDEX "ix_customer_event_timeline" ON "customer_event"  ("tenant_id", "customer_id", "occurred_at" DESC, "id" DESC) `);
    await q.query(`ALTER TABLE "customer_event" ADD CONSTRAINT "FK_cfac3bb948d13422d36e482fdff" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "customer_event" ADD CONSTRAINT "FK_bb2e95956ad6c7f575ed09b9c0b" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "customer_event" ADD CONSTRAINT "FK_2e0f32c7ca093a88f83f4783b04" FOREIGN KEY ("author_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "customer_event" DROP CONSTRAINT "FK_2e0f32c7ca093a88f83f4783b04"`);
    await q.query(`ALTER TABLE "customer_event" DROP CONSTRAINT "FK_bb2e95956ad6c7f575ed09b9c0b"`);
    await q.query(`ALTER TABLE "customer_event" DROP CONSTRAINT "FK_cfac3bb948d13422d36e482fdff"`);
    await q.query(`DROP INDEX "public"."ix_customer_event_timeline"`);
    await q.query(`DROP INDEX "public"."uq_customer_event_dedupe"`);
    await q.query(`DROP INDEX "public"."IDX_cfac3bb948d13422d36e482fdf"`);
    await q.query(`DROP TABLE "customer_event"`);
  }
}
