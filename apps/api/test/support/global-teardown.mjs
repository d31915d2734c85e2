export default async function globalTeardown() {
  await globalThis.__ENCOURS_TEST_DB__?.stop();
}
