-- CreateTable
CREATE TABLE "RateLimit" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "tat" REAL NOT NULL
);

-- CreateIndex
CREATE INDEX "RateLimit_tat_idx" ON "RateLimit"("tat");

