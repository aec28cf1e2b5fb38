import { ApiProperty } from '@nestjs/swagger';

export class SsoStartDto {
  @ApiProperty({
    description:
      "The identity provider's sign-in page for this sign-in; open it in the user's browser. It is good for 10 minutes and one sign-in.",
    example: 'https://login.example.gov.uk/authorize?client_id=…&state=…',
  })
  authorizationUrl: string;
}
