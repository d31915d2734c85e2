import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ImportQueue1795609272327 implements MigrationInterface {
  name = 'ImportQueue1795609272327';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "import_payload" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "tenant_id" uuid NOT NULL, "import_run_id" uuid NOT NULL, "rows" text NOT NULL, "options" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "REL_5c44196b0c7a0e8e71f0f8969b" UNIQUE ("import_run_id"), CONSTRAINT "PK_051df37b7a95a3e6ac81f9b7286" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_f2657734e0f4cea70cc9396b21" ON "import_payload"  ("tenant_id") `);
    await q.query(`ALTER TABLE "import_run" ADD "file_name" character varying(255)`);
    await q.query(`ALTER TABLE "import_run" ADD "locked_until" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "import_run" ADD "attempts" integer NOT NULL DEFAULT '0'`);
    await q.query(`CREATE INDEX "ix_import_run_pending" ON "import_run"  ("created_at") WHERE status IN ('queued', 'running')`);
    await q.query(`ALTER TABLE "import_payload" ADD CONSTRAINT "FK_f2657734e0f4cea70cc9396b219" FOREIGN KEY ("tenant_id") REFERENCES "tenant"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await q.query(`ALTER TABLE "import_payload" ADD CONSTRAINT "FK_5c44196b0c7a0e8e71f0f8969bb" FOREIGN KEY ("import_run_id") REFERENCES "import_run"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "import_payload" DROP CONSTRAINT "FK_5c44196b0c7a0e8e71f0f8969bb"`);
    await q.query(`ALTER TABLE "import_payload" DROP CONSTRAINT "FK_f2657734e0f4cea70cc9396b219"`);
    await q.query(`DROP INDEX "public"."ix_import_run_pending"`);
    await q.query(`ALTER TABLE "import_run" DROP COLUMN "attempts"`);
    await q.query(`ALTER TABLE "import_run" DROP COLUMN "locked_until"`);
    await q.query(`ALTER TABLE "import_run" DROP COLUMN "file_name"`);
    await q.query(`DROP INDEX "public"."IDX_f2657734e0f4cea70cc9396b21"`);
    await q.query(`DROP TABLE "import_payload"`);
  }
}
