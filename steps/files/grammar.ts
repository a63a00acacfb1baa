/** The grammar of a files step and of the sources it reads (SFTP, FTP, S3, IMAP). */
import { Type, type Static } from '@sinclair/typebox';
import { doc, Expression, Identifier, role, SecretRef, shape, Template } from '../../core/schema-parts';
import { Decode } from '../shared/grammar';

const Port = doc(
  Type.Union([Type.Integer({ minimum: 1, maximum: 65535 }), role(Type.String({ minLength: 1 }), 'template')]),
  'Port, or a template giving it (`${inputs.sftp_port}`). Default: the protocol\'s own.',
  22,
);

const TrustedCa = Type.Optional(
  doc(SecretRef, 'Credential holding a PEM certificate to trust besides the system CAs, for a server with a private or self-signed certificate.', 'ca_cert'),
);

export const SftpSource = shape('SftpSource', 'SFTP source', Type.Object(
  {
    kind: Type.Literal('sftp'),
    host: Template('Server host name.', '${inputs.sftp_host}'),
    port: Type.Optional(Port),
    folder: Template('Remote folder to list.', '/outbound/${inputs.account_id}'),
    username: doc(SecretRef, 'Credential holding the user name.', 'sftp_user'),
    password: Type.Optional(doc(SecretRef, 'Credential holding the password. Give `password` or `privateKey`.', 'sftp_password')),
    privateKey: Type.Optional(doc(SecretRef, 'Credential holding an OpenSSH private key (PEM).', 'sftp_private_key')),
    hostKey: Type.Optional(
      Template(
        'SHA-256 of the server\'s host key, 64 hex digits (per customer: `${inputs.sftp_host_key}`): the connection is refused when the server shows another key. Without it any host key is accepted.',
        '${inputs.sftp_host_key}',
      ),
    ),
  },
  { additionalProperties: false, description: 'An SFTP folder (SSH file transfer).' },
));

export const FtpSource = shape('FtpSource', 'FTP source', Type.Object(
  {
    kind: Type.Literal('ftp'),
    host: Template('Server host name.', 'ftp.vendor.example'),
    port: Type.Optional(Port),
    folder: Template('Remote folder to list.', '/reports'),
    tls: Type.Optional(
      doc(
        Type.Union([Type.Literal('explicit'), Type.Literal('implicit'), Type.Literal('none')]),
        'FTPS: `explicit` (AUTH TLS on the control port, the default), `implicit` (TLS from the first byte, usually port 990), or `none` (plain FTP: the password travels in clear).',
        'explicit',
      ),
    ),
    ca: TrustedCa,
    username: doc(SecretRef, 'Credential holding the user name.', 'ftp_user'),
    password: doc(SecretRef, 'Credential holding the password.', 'ftp_password'),
  },
  { additionalProperties: false, description: 'An FTP or FTPS folder.' },
));

export const S3Source = shape('S3Source', 'S3 source', Type.Object(
  {
    kind: Type.Literal('s3'),
    bucket: Template('Bucket of the other account.', 'vendor-exports'),
    prefix: Type.Optional(Template('Key prefix to list; file names are the keys below it.', 'daily/${inputs.account_id}/')),
    region: Type.Optional(doc(Type.String({ minLength: 1 }), 'AWS region of the bucket. Default us-east-1.', 'eu-west-1')),
    endpoint: Type.Optional(Template('S3-compatible endpoint instead of AWS (path-style requests).', 'https://storage.example.com')),
    accessKeyId: doc(SecretRef, 'Credential holding the access key id of the other account.', 'aws_access_key_id'),
    secretAccessKey: doc(SecretRef, 'Credential holding its secret access key.', 'aws_secret_access_key'),
  },
  { additionalProperties: false, description: 'A prefix of an S3 bucket in another account, read with that account\'s credentials.' },
));

export const ImapSource = shape('ImapSource', 'IMAP mailbox source', Type.Object(
  {
    kind: Type.Literal('imap'),
    host: Template('IMAP server host name (TLS only).', 'imap.example.com'),
    port: Type.Optional(Port),
    folder: Type.Optional(Template('Mailbox folder to search. Default INBOX.', 'INBOX/Reports')),
    ca: TrustedCa,
    username: doc(SecretRef, 'Credential holding the user name.', 'imap_user'),
    password: doc(SecretRef, 'Credential holding the password (or app password).', 'imap_password'),
    from: Type.Optional(Template('Only messages whose sender address contains this.', 'reports@vendor.example')),
    subject: Type.Optional(Template('Regular expression the subject must match (case-insensitive).', '^Daily sales report')),
    link: Type.Optional(
      Expression(
        'Instead of attachments: expression over `message` (`subject`, `from`, `date`, `text`) giving the URL (or URLs) of the file to download, for reports mailed as a link.',
        '(message.text.match(/https:\\/\\/\\S+\\.csv/) || [])[0]',
      ),
    ),
    after: Type.Optional(
      Type.Union(
        [
          Type.Object({ flag: doc(Type.String({ minLength: 1 }), 'IMAP flag or keyword set on the message.', '$DifTaken') }, { additionalProperties: false }),
          Type.Object({ move: doc(Type.String({ minLength: 1 }), 'Folder the message is moved to.', 'Processed') }, { additionalProperties: false }),
        ],
        { description: 'What is done to a message once its files are stored and recorded in the manifest: flag it or move it. Default: nothing.' },
      ),
    ),
  },
  { additionalProperties: false, description: 'A mailbox read over IMAP with TLS: attachments (or download links) of the messages selected.' },
));

export const FileSource = shape('FileSource', 'File source', doc(Type.Union([SftpSource, FtpSource, S3Source, ImapSource]), 'Where the files are, chosen by `kind`.'));

export const FilesStep = shape('FilesStep', 'Files step', Type.Object(
  {
    kind: Type.Literal('files'),
    name: doc(Identifier, 'Step name; appears in object keys, the manifest and the Temporal UI.', 'daily_file'),
    source: FileSource,
    match: doc(
      Type.String({ minLength: 1 }),
      'Which file names are taken: a glob (`*` any characters, `?` one; `orders_*.csv.gz`) or a regular expression between slashes (`/^orders_\\d{8}\\.csv$/i`). For IMAP, the attachment file name (or the last segment of a link).',
      'orders_*.csv.gz',
    ),
    dateIn: Type.Optional(
      doc(
        Type.Union([
          Type.Literal('modified'),
          Type.Object(
            { name: doc(Type.String({ pattern: 'YYYY' }), 'Date format of the date inside the file name (YYYY, MM, DD).', 'YYYYMMDD') },
            { additionalProperties: false },
          ),
        ]),
        'Which files belong to the run\'s window: `{"name": "YYYYMMDD"}` takes files whose name holds a day of the window in that format; `modified` those modified (IMAP: received) on a day of the window (UTC). Without it, every matching file is taken once.',
        { name: 'YYYYMMDD' },
      ),
    ),
    expect: Type.Optional(
      doc(
        Type.Union([Type.Literal('optional'), Type.Literal('required'), Type.Literal('wait')]),
        'What a missing file means. `required`: the run fails naming the source and the pattern (with `dateIn` name, every day of the window needs its file). `wait`: the run waits on a durable timer and looks again (`wait`), failing after its timeout. Default `optional`.',
        'required',
      ),
    ),
    wait: Type.Optional(
      Type.Object(
        {
          intervalMinutes: doc(Type.Number({ minimum: 0.01, maximum: 1_440 }), 'Time between looks (at most a day).', 30),
          timeoutMinutes: doc(Type.Number({ minimum: 0.01, maximum: 43_200 }), 'The run fails when files are still missing after this long (at most 30 days).', 360),
        },
        { additionalProperties: false, description: 'With expect `wait`: how often and how long to look for late files, at most 300 looks (timeoutMinutes / intervalMinutes). Default every 15 minutes for 6 hours.' },
      ),
    ),
    decode: Type.Optional(Decode),
    records: Type.Optional(Expression('JSON files: expression over `response` giving the records. Default `response`.', 'response.rows')),
  },
  {
    additionalProperties: false,
    description:
      'Files delivered to a mailbox, an SFTP or FTP folder or an S3 prefix: listed, selected by name and date, each streamed once to the object store and recorded in the manifest (MySQL `file_manifest`); a file re-sent with new content is taken again. The file is `parent` in expressions: `parent.name`, `parent.path`, `parent.date`, `parent.modified`, `parent.size`.',
  },
));

export type FilesStepConfig = Static<typeof FilesStep>;
export type FileSourceConfig = Static<typeof FileSource>;

export const describeFiles = (step: FilesStepConfig): string => `files from ${step.source.kind}`;
