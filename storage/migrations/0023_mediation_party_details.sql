-- The parties' basic situation on a mediation agreement follows the
-- official template (人民调解协议书 格式): name, sex, ethnicity, age or
-- date of birth, occupation, address and contact. sex: '' | male | female;
-- birth_date: '' or 2006-01-02; age: whole years, 0 when not given.
-- organisation 1: the party is a company or another organisation, whose
-- basic situation is its name, address and contact.
ALTER TABLE dispute_parties ADD COLUMN organisation INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dispute_parties ADD COLUMN sex TEXT NOT NULL DEFAULT '';
ALTER TABLE dispute_parties ADD COLUMN ethnicity TEXT NOT NULL DEFAULT '';
ALTER TABLE dispute_parties ADD COLUMN birth_date TEXT NOT NULL DEFAULT '';
ALTER TABLE dispute_parties ADD COLUMN age INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dispute_parties ADD COLUMN occupation TEXT NOT NULL DEFAULT '';
-- An oral agreement (人民调解法 art. 28): the parties need no written
-- agreement, the mediator records what was agreed; it takes effect on the
-- day the parties reached it (art. 30), agreed_on (ms UTC of that local day).
ALTER TABLE dispute_agreements ADD COLUMN oral INTEGER NOT NULL DEFAULT 0;
ALTER TABLE dispute_agreements ADD COLUMN agreed_on BIGINT NOT NULL DEFAULT 0;
