/** The fields of a pgaudit record (`AUDIT: SESSION,1,1,DDL,CREATE INDEX,INDEX,public.t_i,create index t_i on t (a),<none>`). */
export interface PgauditRecord {
  readonly auditType: string;
  readonly auditClass: string;
  readonly command: string;
  readonly objectType: string;
  readonly objectName: string;
  readonly statement: string;
}

/** Parses pgaudit's CSV message (fields with commas or quotes are quoted, quotes doubled); undefined for other messages. */
export function parsePgauditMessage(message: string): PgauditRecord | undefined {
  if (!message.startsWith('AUDIT: ')) return undefined;
  const fields: string[] = [];
  const text = message.slice('AUDIT: '.length);
  let i = 0;
  while (i <= text.length) {
    if (text[i] === '"') {
      let value = '';
      i++;
      while (i < text.length) {
        if (text[i] === '"' && text[i + 1] === '"') { value += '"'; i += 2; } else if (text[i] === '"') { i++; break; } else { value += text[i]; i++; }
      }
      fields.push(value);
      i++; // the comma
    } else {
      const comma = text.indexOf(',', i);
      const end = comma === -1 ? text.length : comma;
      fields.push(text.slice(i, end));
      i = end + 1;
    }
  }
  const [auditType, , , auditClass, command, objectType, objectName, statement] = fields;
  if (auditType === undefined || auditClass === undefined || command === undefined) return undefined;
  return { auditType, auditClass, command, objectType: objectType ?? '', objectName: objectName ?? '', statement: statement ?? '' };
}
