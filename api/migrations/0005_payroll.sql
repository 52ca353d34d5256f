-- Payroll runs in the web app (reserved; filled by the payroll pages).
SELECT 1;
