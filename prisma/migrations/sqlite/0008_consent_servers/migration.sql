-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Consent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "browserId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "providerName" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "servers" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_Consent" ("browserId", "clientId", "createdAt", "id", "providerName", "scope") SELECT "browserId", "clientId", "createdAt", "id", "providerName", "scope" FROM "Consent";
DROP TABLE "Consent";
ALTER TABLE "new_Consent" RENAME TO "Consent";
CREATE UNIQUE INDEX "Consent_browserId_clientId_key" ON "Consent"("browserId", "clientId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

