-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_PendingAuthorization" (
    "stateHash" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL DEFAULT 'upstream',
    "providerName" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "redirectUri" TEXT NOT NULL,
    "clientState" TEXT,
    "codeChallenge" TEXT NOT NULL,
    "codeChallengeMethod" TEXT NOT NULL,
    "scope" TEXT,
    "resource" TEXT,
    "facadeIssuer" TEXT,
    "browserIdHash" TEXT,
    "codeHash" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "consumedAt" DATETIME
);
INSERT INTO "new_PendingAuthorization" ("clientId", "clientState", "codeChallenge", "codeChallengeMethod", "consumedAt", "createdAt", "expiresAt", "providerName", "redirectUri", "resource", "scope", "stateHash") SELECT "clientId", "clientState", "codeChallenge", "codeChallengeMethod", "consumedAt", "createdAt", "expiresAt", "providerName", "redirectUri", "resource", "scope", "stateHash" FROM "PendingAuthorization";
DROP TABLE "PendingAuthorization";
ALTER TABLE "new_PendingAuthorization" RENAME TO "PendingAuthorization";
CREATE UNIQUE INDEX "PendingAuthorization_codeHash_key" ON "PendingAuthorization"("codeHash");
CREATE INDEX "PendingAuthorization_expiresAt_idx" ON "PendingAuthorization"("expiresAt");
CREATE INDEX "PendingAuthorization_providerName_createdAt_idx" ON "PendingAuthorization"("providerName", "createdAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

