import { snakeCase, SnakeNamingStrategy } from './snake-naming.strategy';

describe('SnakeNamingStrategy', () => {
  const strategy = new SnakeNamingStrategy();

  it('turns camelCase properties into snake_case columns', () => {
    expect(strategy.columnName('capPerBidPence', undefined, [])).toBe('cap_per_bid_pence');
    expect(strategy.columnName('x', 'explicit_name', [])).toBe('explicit_name');
  });

  it('names join columns after the relation and referenced column', () => {
    expect(strategy.joinColumnName('fundingRound', 'id')).toBe('funding_round_id');
  });

  it('keeps acronyms readable', () => {
    expect(snakeCase('GSSCode')).toBe('gss_code');
  });
});
