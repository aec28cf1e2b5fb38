import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

// How lists are sorted and searched: `sort` names a field, `-field` for descending; `q` is a
// case-insensitive search of the list's title, reference or name.

export const MAX_SEARCH_LENGTH = 100;

// A list's sort keys, each an SQL expression, and the values `sort` accepts for them.
export type SortColumns<Key extends string> = Record<Key, string>;
export type SortValue<Key extends string> = Key | `-${Key}`;

export function sortValues<Key extends string>(columns: SortColumns<Key>): SortValue<Key>[] {
  return (Object.keys(columns) as Key[]).flatMap((key) => [key, `-${key}` as const]);
}

// `sort` on a list query: one of `values`, `default` when left out; anything else is a 400
// that lists the values allowed.
export function SortParam(
  values: readonly string[],
  enumName: string,
  defaultValue: string,
): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      enum: values,
      enumName,
      default: defaultValue,
      description: 'The field to order by; a leading `-` orders descending',
    }),
    IsOptional(),
    IsIn(values, { message: `sort must be one of ${values.join(', ')}` }),
  );
}

// `q` on a list query: trimmed, 1 to MAX_SEARCH_LENGTH characters.
export function SearchParam(searched: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      minLength: 1,
      maxLength: MAX_SEARCH_LENGTH,
      description: `Finds ${searched} containing this text, whatever its case`,
    }),
    IsOptional(),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? value.trim() : value,
    ),
    IsString({ message: 'q must be text' }),
    Length(1, MAX_SEARCH_LENGTH, {
      message: `q must be 1 to ${MAX_SEARCH_LENGTH} characters (surrounding spaces are dropped)`,
    }),
  );
}

// A LIKE pattern that finds `text` anywhere, its own %, _ and \ taken literally.
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

// `WHERE (a ILIKE :q OR b ILIKE :q)` over the expressions `searched`, when there is a `q`.
export function applySearch<T extends ObjectLiteral>(
  builder: SelectQueryBuilder<T>,
  q: string | undefined,
  searched: string[],
): void {
  if (q) {
    builder.andWhere(`(${searched.map((sql) => `${sql} ILIKE :q ESCAPE '\\'`).join(' OR ')})`, {
      q: containsPattern(q),
    });
  }
}

// ORDER BY the sort asked for (what is not set yet last either way), then `tieBreakers`, the
// last of them unique, so that pages never overlap or skip.
export function applySort<T extends ObjectLiteral, Key extends string>(
  builder: SelectQueryBuilder<T>,
  columns: SortColumns<Key>,
  sort: SortValue<Key>,
  tieBreakers: string[],
): void {
  const descending = sort.startsWith('-');
  const key = (descending ? sort.slice(1) : sort) as Key;
  builder.orderBy(columns[key], descending ? 'DESC' : 'ASC', 'NULLS LAST');
  for (const column of tieBreakers) {
    builder.addOrderBy(column, 'ASC');
  }
}
